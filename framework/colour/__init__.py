"""``camchar colour``: a camera's colour matrices (camera RGB to CIE XYZ, the ACES IDT) from its response, with their uncertainty."""
