"""Everything the CLI draws for people, and the JSON and CSV it writes on stdout."""
