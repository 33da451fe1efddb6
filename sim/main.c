/* sim/main.c — composition root: the one file that sees both sim/ and fs/. */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include "sim/sim.h"

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], "--version") == 0) {
		printf("sim (faultline) %s\n", PACKAGE_VERSION);
		return 0;
	}
	fprintf(stderr, "usage: sim [--version]\n");
	return 2;
}
