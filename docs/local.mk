# docs/ — installed with the program: the guides under $(docdir), and the
# manual page sim(1), made from docs/sim.1.in with the install paths.
dist_doc_DATA = README.md docs/running.md docs/results-json.md \
	docs/report.md docs/model.md docs/design.md docs/hacking.md \
	docs/judge.md docs/strategies.md

man1_MANS = docs/sim.1
EXTRA_DIST += docs/sim.1.in
CLEANFILES += docs/sim.1
docs/sim.1: $(srcdir)/docs/sim.1.in Makefile
	$(AM_V_GEN)$(MKDIR_P) docs && sed \
		-e 's|@VERSION[@]|$(VERSION)|g' \
		-e 's|@pkgdatadir[@]|$(pkgdatadir)|g' \
		-e 's|@docdir[@]|$(docdir)|g' \
		$(srcdir)/docs/sim.1.in > $@.tmp && mv $@.tmp $@

# the man page names every option of sim --help (tests/man.sh)
