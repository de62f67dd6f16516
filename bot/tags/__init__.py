"""Care tags from the rule library: scheduled evaluation and the rulebook texts use."""
