"""ZSCORE's native fast path answers as redis-py's ``zscore`` does: a float or None."""

from __future__ import annotations

import pytest
import redis
import vermilion
import vermilion.asyncio


@pytest.mark.parametrize("protocol", [2, 3])
def test_zscore_is_a_float_or_none(engine: vermilion.Engine, protocol: int) -> None:
    r = vermilion.Redis(engine=engine, protocol=protocol)
    assert "zscore" in r.__dict__  # the native method is bound
    r.zadd("z", {"whole": 3, "fraction": 1.1, "negative": -2.5, "huge": 1e300})
    assert r.zscore("z", "whole") == 3.0 and isinstance(r.zscore("z", "whole"), float)
    assert r.zscore("z", "fraction") == 1.1
    assert r.zscore("z", "negative") == -2.5
    assert r.zscore("z", "huge") == 1e300
    assert r.zscore("z", "missing") is None
    assert r.zscore("no-such-key", "m") is None
    r.set("string", "x")
    with pytest.raises(redis.ResponseError, match="WRONGTYPE"):
        r.zscore("string", "m")


def test_a_custom_callback_takes_zscore_back_to_redis_py(engine: vermilion.Engine) -> None:
    r = vermilion.Redis(engine=engine)
    r.zadd("z", {"m": 2})
    r.set_response_callback("ZSCORE", lambda response, **options: ("custom", response))
    assert "zscore" not in r.__dict__
    assert r.zscore("z", "m") == ("custom", b"2")


@pytest.mark.asyncio
async def test_asyncio_zscore(engine: vermilion.Engine) -> None:
    r = vermilion.asyncio.Redis(engine=engine)
    await r.zadd("z", {"m": 1.5})
    assert await r.zscore("z", "m") == 1.5
    assert await r.zscore("z", "missing") is None
    await r.aclose()
