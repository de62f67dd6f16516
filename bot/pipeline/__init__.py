"""The inbound pipeline: neutral requests, one path from every transport to the inbox and the replies."""
