"""Care-tag rules: a declarative TOML rule language, the built-in library, and set-based evaluation."""
