# Build, boot and test Linux 6.12 with the mremap series (patches/) applied.
#   make run            build the patched kernel, boot it, run the demo and the
#                       mremap selftests (ARCH=arm64 for the other arch)
#   make check          every test: checkpatch, bisectability, sparse/W=1,
#                       both arches, base and patched kernels
#   make shell          boot the kernel into a shell with the tests on PATH
#   make bench          mremap benchmark, base against patched kernel, under
#                       QEMU -icount and plain TCG (BENCH_ARCHES=x86_64 arm64)
#   make profile        instructions per mremap() call by kernel function,
#                       base against patched (CASE=move-2-pages, ARCH)
#   make tree / export  (re)create build/linux from base + series / write the
#                       series back to patches/
# Variables: ARCH=x86_64|arm64, VARIANT=patched|base, BASE_VERSION=<deb version>

ARCH         ?= x86_64
VARIANT      ?= patched
BASE_VERSION ?= 6.12.117-1~deb12u1

TOP       := $(CURDIR)
B         := $(TOP)/build
SRC       := $(B)/cache/linux-$(BASE_VERSION)
TREE      := $(B)/linux
BASETREE  := $(B)/base
S         := $(TOP)/scripts

ifeq ($(VARIANT),base)
KSRC := $(BASETREE)
else ifeq ($(VARIANT),patched)
KSRC := $(TREE)
else
$(error VARIANT must be patched or base, not '$(VARIANT)')
endif
ifeq ($(filter $(ARCH),x86_64 arm64),)
$(error ARCH must be x86_64 or arm64, not '$(ARCH)')
endif
IMAGE_x86_64 := arch/x86/boot/bzImage
IMAGE_arm64  := arch/arm64/boot/Image
KIMAGE := $(KSRC)/out-$(ARCH)/$(IMAGE_$(ARCH))
GUEST  := $(B)/guest/$(ARCH)

# The mm selftests put into the guests: 6.12's that exercise mremap()
# and the series' own (soft-dirty is x86-only in 6.12).
SELFTESTS        := mremap_test mremap_dontunmap hugepage-mremap mseal_test \
		    mlock2-tests uffd-unit-tests mremap_errors mremap_kinds \
		    mremap_tiers mremap_multi
SELFTESTS_x86_64 := $(SELFTESTS) soft-dirty
SELFTESTS_arm64  := $(SELFTESTS)

.PHONY: all run check bench profile shell deps base tree export kernel guest help print-selftests
all: help
help:
	@sed -n '2,14s/^# \{0,1\}//p' Makefile

deps:
	@$(S)/install-deps.sh

base: deps
	@$(S)/fetch-base.sh "$(BASE_VERSION)" "$(B)/cache" >/dev/null

# Recreate the work tree from base + patches/series (refuses to drop
# unexported work; FORCE=1 overrides).
tree: base
	@$(S)/make-tree.sh "$(SRC)" "$(TREE)" "$(BASETREE)" "$(TOP)/patches"

# Create the work tree only if it is not there: 'make run' builds what you
# have in build/linux, committed or not.
$(TREE)/.git:
	@$(MAKE) --no-print-directory tree

export:
	@$(S)/export-series.sh "$(TREE)" "$(TOP)/patches"

kernel: deps $(TREE)/.git
	@echo "building $(ARCH) kernel ($(VARIANT)) in $(KSRC)/out-$(ARCH)"
	@$(S)/build-kernel.sh "$(KSRC)" $(ARCH) "$(TOP)/configs"

guest: deps $(TREE)/.git
	@test -d "$(TREE)/out-$(ARCH)/usr/include/linux" || \
		$(S)/build-kernel.sh "$(TREE)" $(ARCH) "$(TOP)/configs" headers
	@BUSYBOX=$$($(S)/fetch-busybox.sh $(ARCH) "$(B)/cache/busybox-$(ARCH)") && \
		BUSYBOX=$$BUSYBOX $(S)/build-guest.sh "$(TREE)" $(ARCH) "$(GUEST)" \
		$(SELFTESTS_$(ARCH)) >/dev/null

run: kernel guest
	@rm -f "$(B)/run/results.txt"
	@$(S)/run-plan.sh $(ARCH) $(VARIANT) "$(KIMAGE)" "$(GUEST)" \
		"$(TOP)/plans/run.plan" "$(B)/run" "$(B)/run/results.txt" --show
	@$(S)/summarize.sh "$(B)/run/results.txt"

shell: kernel guest
	@$(S)/expand-plan.sh plans/shell.plan $(ARCH) >"$(B)/shell.plan"
	@echo "booting $(ARCH) ($(VARIANT)); the tests are in /bin; 'exit' powers off"
	@MODE=shell $(S)/run-guest.sh $(ARCH) "$(KIMAGE)" "$(GUEST)/initramfs.cpio" \
		"$(B)/shell.plan" /dev/null

check:
	@$(S)/check.sh

BENCH_ARCHES ?= x86_64 arm64
bench: deps $(TREE)/.git
	@$(S)/bench.sh $(BENCH_ARCHES)

CASE ?= move-2-pages
profile: deps $(TREE)/.git
	@$(S)/profile.sh $(ARCH) $(CASE)

print-selftests:
	@echo $(SELFTESTS_$(ARCH))
