"""The soak's memory verdict (``benchmarks.soak.memory``): a server whose memory creeps up
after the warm-up fails the soak; one that only warms up, or wobbles, passes."""

from __future__ import annotations

from benchmarks.soak import memory

WARMUP = 120.0
HOUR = 3600


def series(mb_at: dict[int, float]) -> list[tuple[float, float]]:
    return [(float(t), mb) for t, mb in sorted(mb_at.items())]


def test_a_server_that_grows_after_its_warm_up_is_not_flat() -> None:
    # 100 MB after warm-up, then +1 MB a minute: 58 MB over the hour.
    samples = series({t: 100 + max(0, t - WARMUP) / 60 for t in range(0, HOUR + 1, 5)})

    verdict = memory(samples, WARMUP, bound=50)

    assert not verdict["flat"]
    assert verdict["slope_mb_per_hour"] == 60.0
    assert verdict["start_mb"] == 100.0


def test_growth_during_the_warm_up_and_noise_after_it_are_flat() -> None:
    # From 60 to 110 MB while warming up, then wobbling by 3 MB around 110.
    samples = series(
        {
            t: 60 + 50 * t / WARMUP if t < WARMUP else 110 + 3 * (t // 5 % 2)
            for t in range(0, HOUR + 1, 5)
        }
    )

    verdict = memory(samples, WARMUP, bound=50)

    assert verdict["flat"]
    assert verdict["max_mb"] == 113.0
    assert abs(verdict["slope_mb_per_hour"]) < 1


def test_a_spike_that_stays_at_the_end_is_growth() -> None:
    samples = series({t: 110 if t < HOUR else 190 for t in range(0, HOUR + 1, 5)})

    assert not memory(samples, WARMUP, bound=50)["flat"]
