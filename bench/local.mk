# bench/ — benchmarks, built and run by `make bench` only.
