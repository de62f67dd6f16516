"""Data intake: CSV files as HRIS and attendance systems export them (encodings, Chinese headers)."""
