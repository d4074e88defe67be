import time

from django.core.management.base import BaseCommand

from ops.synthetic import ScaleSpec, build_scale, remove_scale_data


class Command(BaseCommand):
    help = (
        "Builds synthetic large pilots for benchmarks (deterministic for a given --seed, bulk "
        "inserts). Replaces any earlier synthetic pilots; never touches other data."
    )

    def add_arguments(self, parser):
        spec = ScaleSpec()
        parser.add_argument("--pilots", type=int, default=spec.pilots)
        parser.add_argument("--las", type=int, default=spec.las_per_pilot, help="LAs per pilot")
        parser.add_argument("--teams-per-la", type=int, default=spec.teams_per_la)
        parser.add_argument("--quarters", type=int, default=spec.quarters)
        parser.add_argument(
            "--sessions", type=int, default=spec.forum_sessions, help="forum sessions in all"
        )
        parser.add_argument("--seed", type=int, default=spec.seed)

    def handle(self, *args, **options):
        spec = ScaleSpec(
            pilots=options["pilots"],
            las_per_pilot=options["las"],
            teams_per_la=options["teams_per_la"],
            quarters=options["quarters"],
            forum_sessions=options["sessions"],
            seed=options["seed"],
        )
        started = time.perf_counter()
        remove_scale_data()
        result = build_scale(spec)
        elapsed = time.perf_counter() - started
        figures = ", ".join(f"{k}={v}" for k, v in result.counts.items())
        self.stdout.write(
            self.style.SUCCESS(f"Built {len(result.pilots)} pilots in {elapsed:.1f}s: {figures}")
        )
