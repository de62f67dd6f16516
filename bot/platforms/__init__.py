"""Chat platforms: DingTalk, WeCom and the local simulator, behind one small interface."""
