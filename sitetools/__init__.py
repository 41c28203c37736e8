"""Build and test tooling for the site: not part of the chapter's model."""
