"""Growth the new hire can see (``/成长``): their own weekly performance, journey progress and milestones."""
