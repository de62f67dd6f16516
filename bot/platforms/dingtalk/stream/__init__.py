"""DingTalk Stream mode: an outbound WebSocket over which DingTalk pushes events, robot messages and card clicks.

``carebot stream`` runs :class:`~.connector.StreamConnector` under a database lease (one leader per
app); frames go to a :data:`~bot.platforms.dingtalk.stream_frames.FrameHandler` (the pipeline's).
Protocol: shared/protocols.md §3.3–3.4.
"""
