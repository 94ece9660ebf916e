# pg_cdp: PGXS build of the `cdp` extension, plus the top-level targets
#   make demo    install what is missing, build, install, run a demo on a throwaway cluster
#   make test    same set-up, then the C++ unit tests and the whole pg_regress suite
#   make bench   same set-up, then the micro-benchmarks and the SQL benchmarks
# The PostgreSQL server runs as the `postgres` OS user when make runs as root.

PG_CONFIG ?= $(firstword $(wildcard /usr/lib/postgresql/15/bin/pg_config) pg_config)

MODULE_big = cdp
# The control file and install scripts live in control/, so they are listed
# as DATA (installed into share/extension) instead of using EXTENSION.
MODULEDIR = extension
DATA = control/cdp.control $(wildcard control/cdp--*.sql)
OBJS = $(patsubst %.cpp,%.o,$(sort $(wildcard src/core/*.cpp src/pg/*.cpp)))

PG_CPPFLAGS = -I$(CURDIR)/include
PG_CXXFLAGS = -std=c++17 -O2 -Wall -Wno-missing-field-initializers -Wno-register
SHLIB_LINK = -lroaring -lstdc++
# Debian's server also compiles every source to LLVM bitcode for JIT
# inlining; our code gains nothing from it and clang would need the C++
# flags too, so the bitcode step is off.
override with_llvm = no

# pgxs.mk exists only once postgresql-server-dev-15 is installed; `make demo`
# and `make test` install it first and then re-enter make.
PGXS := $(shell $(PG_CONFIG) --pgxs 2>/dev/null)
ifneq ($(wildcard $(PGXS)),)
include $(PGXS)
else
all:
	@echo "PostgreSQL server headers are missing: run 'make demo' or 'make test' (as root they install them)." >&2; exit 1
endif

# Header changes rebuild the objects (PGXS knows only .cpp -> .o).
$(OBJS): $(wildcard include/cdp/*/*.h)

.PHONY: deps build unit regress test demo bench bench-micro bench-sql

deps:
	@scripts/install-deps.sh

# Build and install the extension (re-entering make so PGXS is loaded).
build: deps
	@$(MAKE) --no-print-directory all
	@$(MAKE) --no-print-directory install

# C++ unit tests only (CMake + GoogleTest + ctest).
unit: deps
	@scripts/unit.sh

# pg_regress suite only, on a throwaway cluster.
regress: build
	@scripts/regress.sh

test: build
	@scripts/test.sh

demo: build
	@scripts/demo.sh

bench: build
	@scripts/bench.sh

clean: clean-local
clean-local:
	rm -rf build results regression.diffs regression.out .cluster
