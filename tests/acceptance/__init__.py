"""Black-box acceptance tests: CareBot used only through its CLI, routes and configuration keys."""
