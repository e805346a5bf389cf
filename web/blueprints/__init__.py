"""One blueprint per area of the viewer."""
