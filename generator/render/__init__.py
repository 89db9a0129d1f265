"""Model → pages in memory. Nothing here reads source files or writes output."""
