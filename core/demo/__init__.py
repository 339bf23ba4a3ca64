"""The demo district generator (`fangxian demo`): deterministic for a given seed."""
