# Top-level entry points. Both install their own dependencies first.
#   make demo   build, then run filters and the default rules on the project's captures
#   make check  build and run the whole suite twice: normal and ASan+UBSan
BUILD      ?= build
ASAN_BUILD ?= build-asan
SHARED     ?= $(abspath ../shared)
DEMO_CAPTURE ?= tests/captures/container_shell_tty.scap
SHARED_CAPTURE ?= $(SHARED)/captures/libs_curl_google.scap

export UBSAN_OPTIONS = halt_on_error=1:print_stacktrace=1
export ASAN_OPTIONS = detect_leaks=1:abort_on_error=0

.PHONY: all deps build demo check check-normal check-asan bench clean

all: build

deps:
	@./scripts/install-deps.sh

$(BUILD)/build.ninja:
	meson setup $(BUILD)

$(ASAN_BUILD)/build.ninja:
	meson setup $(ASAN_BUILD) -Db_sanitize=address,undefined -Dbuildtype=debug

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

demo: build
	@echo '# a capture of this project: a shell with a terminal in a container-like cgroup'
	@echo '$$ scapcli -r $(DEMO_CAPTURE) -F "evt.type=execve" -p "%proc.cmdline tty=%proc.tty container=%container.id parent=%proc.pname"'
	@$(BUILD)/cli/scapcli -r "$(DEMO_CAPTURE)" -F 'evt.type=execve' -p '%proc.cmdline tty=%proc.tty container=%container.id parent=%proc.pname'
	@echo '# the default rules over every scenario capture of tests/captures'
	@for f in tests/captures/*.scap; do echo "$$ scapcli -r $$f -R rules/default_rules.yaml"; \
		$(BUILD)/cli/scapcli -r "$$f" -R rules/default_rules.yaml || exit 1; done
	@echo '$$ scapcli -r $(DEMO_CAPTURE) -R rules/default_rules.yaml -j -n 1'
	@$(BUILD)/cli/scapcli -r "$(DEMO_CAPTURE)" -R rules/default_rules.yaml -j -n 1
	@echo '$$ scapcli --explain-filter "evt.type in (open, openat) and not proc.name in (bash, sh)"'
	@$(BUILD)/cli/scapcli --explain-filter 'evt.type in (open, openat) and not proc.name in (bash, sh)'
	@if test -r "$(SHARED_CAPTURE)"; then \
		echo '$$ scapcli -r $(notdir $(SHARED_CAPTURE)) -F "proc.name=curl and evt.type=connect and evt.dir=<" -p "%evt.num %proc.name %fd.name"'; \
		$(BUILD)/cli/scapcli -r "$(SHARED_CAPTURE)" -F 'proc.name=curl and evt.type=connect and evt.dir=<' -p '%evt.num %proc.name %fd.name'; \
		echo '$$ scapcli -r $(notdir $(SHARED_CAPTURE)) -q --stats'; \
		$(BUILD)/cli/scapcli -r "$(SHARED_CAPTURE)" -q --stats 2>&1 | head -n 12; \
	else echo "(skipped: $(SHARED_CAPTURE) not found: the shared captures are not beside the checkout)"; fi

check-normal: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)
	meson test -C $(BUILD) -v --print-errorlogs

check-asan: deps $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD)
	meson test -C $(ASAN_BUILD) -v --print-errorlogs

# Both builds run even when the first fails; the summary (passed, failed,
# skipped with reasons) decides the exit status. Old test logs are removed
# first so that a build that fails to compile counts as failed.
check: deps
	@rm -f $(BUILD)/meson-logs/testlog.json $(ASAN_BUILD)/meson-logs/testlog.json; \
	rc=0; $(MAKE) --no-print-directory check-normal || rc=1; \
	$(MAKE) --no-print-directory check-asan || rc=1; \
	python3 scripts/test-summary.py $(BUILD) $(ASAN_BUILD) || rc=1; exit $$rc

bench: build
	./scripts/bench.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
