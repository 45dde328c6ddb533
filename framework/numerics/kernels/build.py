"""numba's build of the kernels for one sample type: an object file whose functions take C arguments.

Imported only when no built kernels are cached for the sample type: numba's
start-up (0.4-0.6 s) is paid once per installation and sample type, not once
per run. Each kernel of :mod:`~camchar.numerics.kernels.source` is compiled
with numba's own pipeline, without its Python and C wrappers (whose error
paths call into numba's runtime library); an entry point
``camchar_<kernel>_<type>`` of the C signature in
:data:`~camchar.numerics.kernels.source.ARGUMENTS` calls it and returns 0.
The machine code is generated for the host's processor, position
independent, for :mod:`~camchar.numerics.kernels.compiled` to load.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from camchar.numerics.kernels.source import ARGUMENTS, KERNELS

__all__ = ["build_object", "entry_point"]


def entry_point(kernel: str, dtype: np.dtype) -> str:
    """The symbol of ``kernel``'s C entry point for samples of ``dtype``: e.g. ``camchar_accumulate_lines_u2``."""
    return f"camchar_{kernel}_{dtype.kind}{dtype.itemsize}"


def build_object(dtype: np.dtype) -> bytes:
    """Compile every kernel for samples of ``dtype`` (native byte order) into one object file for this machine.

    Parameters
    ----------
    dtype
        The sample type of the frames: any numpy integer or floating type.

    Returns
    -------
    bytes
        The object file (ELF, Mach-O or COFF, as the host's), with one
        entry point per kernel (:func:`entry_point`).
    """
    import llvmlite.binding as llvm
    from llvmlite import ir
    from numba.core import compiler, types
    from numba.core.compiler_lock import global_compiler_lock
    from numba.core.registry import cpu_target
    from numba.np.numpy_support import from_dtype

    kinds = {
        "samples": types.CPointer(from_dtype(dtype)),
        "float64*": types.CPointer(types.float64),
        "int64*": types.CPointer(types.int64),
        "int": types.intp,
        "float64": types.float64,
    }
    flags: Any = compiler.Flags()  # options set as attributes (numba's own way), which its stubs do not declare
    flags.no_cpython_wrapper = True
    flags.no_cfunc_wrapper = True
    flags.error_model = "numpy"  # a division by zero gives inf or 0, as numpy does, rather than an exception
    context = cpu_target.target_context
    codegen = context.codegen()
    with global_compiler_lock:
        library = codegen.create_library(f"camchar_kernels_{dtype.str}")
        entries = ir.Module(name="camchar_entry_points")
        for name, function in KERNELS.items():
            arguments = tuple(kinds[kind] for kind in ARGUMENTS[name])
            result = compiler.compile_extra(cpu_target.typing_context, context, function, arguments, types.void, flags, {})
            inner = ir.Function(entries, context.call_conv.get_function_type(types.void, arguments), result.fndesc.mangled_name)
            entry = ir.Function(entries, ir.FunctionType(ir.IntType(32), [context.get_value_type(argument) for argument in arguments]), entry_point(name, dtype))
            builder = ir.IRBuilder(entry.append_basic_block())
            status, _ = context.call_conv.call_function(builder, inner, types.void, arguments, entry.args)
            builder.ret(builder.select(status.is_ok, ir.IntType(32)(0), ir.IntType(32)(1)))
            library.add_linking_library(result.library)
        library.add_ir_module(entries)
        library.finalize()
        module = llvm.parse_assembly(library.get_llvm_str())
    machine = llvm.Target.from_default_triple().create_target_machine(
        cpu=llvm.get_host_cpu_name(), features=llvm.get_host_cpu_features().flatten(), opt=3, reloc="pic", codemodel="default"
    )
    return bytes(machine.emit_object(module))
