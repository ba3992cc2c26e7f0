# Thin wrapper around CMake (configure once, forward targets), as Neovim does.
# make run   : install what is missing, build, run the default scenario -> out/default/
# make test  : install what is missing, build, run every test through ctest
BUILD ?= build
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
CMAKE_FLAGS ?=

.PHONY: all deps configure build run test bench install clean asan check-determinism check-mpi check-slurm check-calibration memcheck fuzz

all: build

deps:
	@bash scripts/setup-deps.sh

$(BUILD)/CMakeCache.txt:
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release $(CMAKE_FLAGS)

configure: $(BUILD)/CMakeCache.txt

build: deps configure
	cmake --build $(BUILD) -j $(JOBS)

run: build
	./$(BUILD)/salesim run scenarios/default.cfg -o out/default

test: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

bench: build
	./$(BUILD)/bench/bench_core
	./$(BUILD)/bench/bench_batch
	./$(BUILD)/bench/bench_data
	bash bench/bench_calibrate.sh $(BUILD)/salesim

install: build
	cmake --install $(BUILD)

asan: deps
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSALESIM_ASAN=ON -DSALESIM_OPENMP=OFF
	cmake --build build-asan -j $(JOBS)
	cd build-asan && LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp:print_suppressions=0 ctest --output-on-failure -j $(JOBS)

# Long checks (docs/checks.md): same bytes at any thread count and heap
# garbage; valgrind memcheck (OpenMP build with -g) at 1 and 2 threads
check-determinism: build
	bash scripts/check-determinism.sh $(BUILD)/salesim

# mpirun -n 1, 2, 3 and 4 (oversubscribed) against one process: run with a
# sweep, batch, optimize and a rank that dies (docs/cluster.md); ctest's
# mpi_identical runs the same script with 1, 2 and 3 ranks
check-mpi: build
	MPI_RANKS="1 2 3 4" bash scripts/check-mpi.sh $(BUILD)/salesim

# docs/cluster.md's Slurm recipes (srun, salloc + mpirun, sbatch cancelled and
# resumed) against one process, on the Slurm cluster sbatch reaches
check-slurm: build
	bash scripts/check-slurm.sh $(BUILD)/salesim

check-calibration: build
	bash scripts/check-calibration.sh $(BUILD)/salesim

memcheck: deps
	@SALESIM_OPTIONAL_PKGS=valgrind bash scripts/setup-deps.sh
	cmake -S . -B build-memcheck -DCMAKE_BUILD_TYPE=RelWithDebInfo -DSALESIM_BUILD_TESTS=OFF -DSALESIM_BUILD_BENCH=OFF
	cmake --build build-memcheck -j $(JOBS)
	bash scripts/memcheck.sh build-memcheck

# make fuzz: build the libFuzzer targets with clang in build-fuzz and run each
# for FUZZ_SECONDS on one core (docs/fuzzing.md); corpora in fuzz-corpus/.
FUZZ_SECONDS ?= 300
fuzz: deps
	@SALESIM_OPTIONAL_PKGS='clang libclang-rt-dev' bash scripts/setup-deps.sh
	cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DSALESIM_FUZZ=ON -DSALESIM_OPENMP=OFF -DSALESIM_BUILD_TESTS=OFF -DSALESIM_BUILD_BENCH=OFF
	cmake --build build-fuzz -j $(JOBS) --target salesim fuzz_scenario fuzz_run fuzz_report fuzz_data_csv
	bash tests/fuzz/run.sh $(FUZZ_SECONDS)

clean:
	rm -rf $(BUILD) build-asan build-memcheck build-fuzz
