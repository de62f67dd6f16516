"""Evaluation mode: a randomised holdout that lets the report measure what care changes.

``settings`` holds ``[evaluation]``; ``assignment`` puts every unit (employee or department) in the
``care`` or ``holdout`` arm once; ``holdout`` tells reminder planning which reminders to hold back;
``experiment`` builds the report's intention-to-treat comparison; ``power`` plans its length.
"""
