"""The ``local`` platform: the simulator's chat, stored in the database."""
