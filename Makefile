# Top-level entry points. Both install their own dependencies first.
#   make demo   build, then read a capture with a filter
#   make check  build and run the whole suite twice: normal and ASan+UBSan
BUILD      ?= build
ASAN_BUILD ?= build-asan
SHARED     ?= $(abspath ../shared)
DEMO_CAPTURE ?= $(SHARED)/captures/libs_curl_google.scap

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
	@test -r "$(DEMO_CAPTURE)" || { echo "demo: $(DEMO_CAPTURE) not found (place the shared data beside the checkout)"; exit 1; }
	@echo '$$ scapcli -r $(notdir $(DEMO_CAPTURE)) -F "evt.type=connect and evt.dir=<"'
	@$(BUILD)/cli/scapcli -r "$(DEMO_CAPTURE)" -F 'evt.type=connect and evt.dir=<'
	@echo '$$ scapcli -r $(notdir $(DEMO_CAPTURE)) -F "evt.type=execve" -p "%proc.cmdline (parent %proc.pname, grandparent %proc.aname[2]) in %proc.cwd"'
	@$(BUILD)/cli/scapcli -r "$(DEMO_CAPTURE)" -F 'evt.type=execve' -p '%proc.cmdline (parent %proc.pname, grandparent %proc.aname[2]) in %proc.cwd'
	@echo '$$ scapcli -r $(notdir $(DEMO_CAPTURE)) -F "proc.name=curl and fd.type in (ipv4, ipv6) and evt.type=connect and evt.dir=<" -p "%evt.num %proc.name %fd.name"'
	@$(BUILD)/cli/scapcli -r "$(DEMO_CAPTURE)" -F 'proc.name=curl and fd.type in (ipv4, ipv6) and evt.type=connect and evt.dir=<' -p '%evt.num %proc.name %fd.name'
	@echo '$$ scapcli --explain-filter "evt.type in (open, openat) and not proc.name in (bash, sh)"'
	@$(BUILD)/cli/scapcli --explain-filter 'evt.type in (open, openat) and not proc.name in (bash, sh)'
	@echo '$$ scapcli -r $(notdir $(DEMO_CAPTURE)) -q --stats'
	@$(BUILD)/cli/scapcli -r "$(DEMO_CAPTURE)" -q --stats 2>&1 | head -n 16

check-normal: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)
	meson test -C $(BUILD) -v --print-errorlogs

check-asan: deps $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD)
	meson test -C $(ASAN_BUILD) -v --print-errorlogs

check: check-normal check-asan
	@python3 scripts/test-summary.py $(BUILD) $(ASAN_BUILD)

bench: build
	./scripts/bench.sh $(BUILD)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
