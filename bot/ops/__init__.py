"""Operations: the ``carebot`` command line, the scheduler, ``doctor`` and the demo."""
