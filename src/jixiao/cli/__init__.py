"""The command-line face: thin wrappers that parse options, call the core, print in Chinese."""
