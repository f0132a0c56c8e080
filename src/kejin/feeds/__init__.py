"""Department feeds (部门数据): files from the tax bureau, social security, the IP office and the
market regulator. Every reported value is kept with its source and as-of date; a value that
disagrees with another source is kept beside it, never silently overwritten."""
