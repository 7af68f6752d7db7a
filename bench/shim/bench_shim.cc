// The only C++ file of saker: registers the C benchmarks of bench.h with
// google-benchmark and runs them. All flags are google-benchmark's
// (--benchmark_filter, --benchmark_format=json, --benchmark_out=FILE, ...).
#include <benchmark/benchmark.h>

#include <string>
#include <utility>
#include <vector>

extern "C" {
#include "bench/bench.h"
}

struct bench_state {
	benchmark::State *st;
};

struct bench_entry {
	std::string name;
	bench_fn fn;
	int64_t wall_iterations;	// 0: CPU time, google-benchmark's iterations
};

static std::vector<bench_entry> &registry()
{
	static std::vector<bench_entry> r;
	return r;
}

extern "C" void bench_register(const char *name, bench_fn fn)
{
	registry().push_back({ name, fn, 0 });
}

extern "C" void bench_register_wall(const char *name, bench_fn fn, int64_t iterations)
{
	registry().push_back({ name, fn, iterations > 0 ? iterations : 1 });
}

extern "C" bool bench_keep_running(struct bench_state *s)
{
	return s->st->KeepRunning();
}

extern "C" void bench_pause_timing(struct bench_state *s)
{
	s->st->PauseTiming();
}

extern "C" void bench_resume_timing(struct bench_state *s)
{
	s->st->ResumeTiming();
}

extern "C" void bench_set_items(struct bench_state *s, int64_t n)
{
	s->st->SetItemsProcessed(n);
}

extern "C" int64_t bench_iterations(struct bench_state *s)
{
	return (int64_t)s->st->iterations();
}

extern "C" void bench_counter(struct bench_state *s, const char *name, double v, bool per_iteration)
{
	s->st->counters[name] = benchmark::Counter(
		v, per_iteration ? benchmark::Counter::kAvgIterations : benchmark::Counter::kDefaults);
}

extern "C" void bench_do_not_optimize(const void *p)
{
	benchmark::DoNotOptimize(p);
}

extern "C" void bench_skip(struct bench_state *s, const char *msg)
{
	s->st->SkipWithError(msg);
}

int main(int argc, char **argv)
{
	for (auto &b : registry()) {
		bench_fn fn = b.fn;
		auto *r = benchmark::RegisterBenchmark(b.name.c_str(), [fn](benchmark::State &st) {
			struct bench_state s = { &st };
			fn(&s);
		});
		r->Unit(benchmark::kMillisecond);
		if (b.wall_iterations)
			r->UseRealTime()->Iterations(b.wall_iterations);
	}
	benchmark::Initialize(&argc, argv);
	if (benchmark::ReportUnrecognizedArguments(argc, argv))
		return 1;
	benchmark::RunSpecifiedBenchmarks();
	benchmark::Shutdown();
	return 0;
}
