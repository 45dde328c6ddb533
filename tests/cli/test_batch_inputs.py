"""Which settings files a command line names: files as given, folders searched, each sweep once."""

from __future__ import annotations

from camchar.cli.inputs import find_settings_files, is_settings_file


def test_settings_files_have_a_top_level_images_key(tmp_path):
    cases = {
        "plain.yml": "image_dir: raw\nimages:\n  450: [1, 2]\n",
        "quoted.yaml": "'images': {450: [1]}\n",
        "nested.yml": "plugins:\n  images: 3\n",
        "other.yml": "colour: blue\n",
        "broken.yml": "images: [1, 2\n",  # a settings file with a mistake: its sweep reports it
    }
    for name, text in cases.items():
        (tmp_path / name).write_text(text)
    assert {name: is_settings_file(tmp_path / name) for name in cases} == {
        "plain.yml": True, "quoted.yaml": True, "nested.yml": False, "other.yml": False, "broken.yml": True,
    }  # fmt: skip
    assert not is_settings_file(tmp_path / "missing.yml") and not is_settings_file(tmp_path)


def test_folders_are_searched_in_order_files_taken_as_given_each_once(tmp_path):
    for folder in ("b", "a", "a/deeper", ".hidden"):
        (tmp_path / folder).mkdir(parents=True, exist_ok=True)
        (tmp_path / folder / "settings.yml").write_text("images: {450: [1]}\n")
    (tmp_path / "a" / "notes.yaml").write_text("notes: true\n")
    (tmp_path / "a" / "image.tiff").write_bytes(b"")
    found = find_settings_files([tmp_path / "b" / "settings.yml", tmp_path, tmp_path / "missing.yml"])
    assert found.batch
    assert [str(path.relative_to(tmp_path)) for path in found.files] == [
        "b/settings.yml", "a/settings.yml", "a/deeper/settings.yml", "missing.yml",
    ]  # fmt: skip
    assert found.notes == (f"skipped {tmp_path / 'a' / 'notes.yaml'}: not a camchar settings file (no images: key)",)


def test_one_file_is_no_batch_and_a_folder_is_one(tmp_path):
    (tmp_path / "settings.yml").write_text("images: {450: [1]}\n")
    assert not find_settings_files([tmp_path / "settings.yml"]).batch
    assert find_settings_files([tmp_path]).batch
    empty = tmp_path / "empty"
    empty.mkdir()
    found = find_settings_files([empty])
    assert found.files == () and found.notes == (f"no camchar settings files (YAML files with an images: key) in {empty}",)
