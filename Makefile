# Build, boot and test Linux 6.12 with the mremap series (patches/) applied.
#   make run            build the patched kernel, boot it, run the demo and the
#                       mremap selftests (ARCH=arm64 for the other arch)
#   make check          every test: checkpatch, bisectability, sparse/W=1,
#                       both arches, patched, base and mainline kernels,
#                       and a KASAN kernel (x86_64) with fault injection
#   make validate       long validation outside make check: mremap_test with
#                       every byte checked (-t 0), 8 GiB guest (ARCH)
#   make soak           the long reliability run on KASAN kernels, base and
#                       patched, both arches: fault injection at every site,
#                       races, 1M differential ops, stress-ng, trinity
#                       (SOAK_OPS, SOAK_SEEDS, SOAK_ROUNDS, SOAK_SECS,
#                       SOAK_TRINITY_OPS, ARCHES; outside make check)
#   make kunit          the series' KUnit suite with kunit.py on both arches
#                       (kunit.py builds its own kernels: outside make check)
#   make shell          boot the kernel into a shell with the tests on PATH
#   make bench          mremap benchmark under QEMU -icount and plain TCG:
#                       each series against its base, and 6.12 against 7.3
#                       (BENCH_ARCHES=x86_64 arm64, BENCH_VARIANTS=...)
#   make profile        instructions per mremap() call by kernel function,
#                       base against patched (CASE=move-2-pages, ARCH)
#   make profile-call   every kernel function of one mremap() call, inclusive
#                       and exclusive instructions (CASE, ARCH, KERNELS=
#                       base patched mainline patched-7.3)
#   make mail           both series mail-ready in build/mail/ (cover letter,
#                       the sender from git config or MAIL_NAME/MAIL_EMAIL,
#                       To/Cc from get_maintainer.pl, MAIL_VERSION=N); sends
#                       nothing
#   make tree / export  (re)create the work tree from base + series / write
#                       the series back (SERIES=6.12: build/linux, patches/;
#                       SERIES=7.3: build/linux-7.3, patches-7.3/)
# Variables: ARCH=x86_64|arm64, VARIANT=patched|base|mainline, SERIES=6.12|7.3

ARCH         ?= x86_64
VARIANT      ?= patched
SERIES       ?= 6.12
# The 6.12 base, and mainline (the newest Debian ships) as the reference.
BASE_VERSION     ?= 6.12.117-1~deb12u1
MAINLINE_VERSION ?= 7.3.4-1~bpo13+1
MAINLINE_SUITE   ?= trixie-backports

TOP       := $(CURDIR)
B         := $(TOP)/build
S         := $(TOP)/scripts
ML_SRC    := $(B)/cache/linux-$(MAINLINE_VERSION)
ML_TREE   := $(B)/linux-7.3
ML_BASE   := $(B)/base-7.3

ifeq ($(SERIES),6.12)
SRC       := $(B)/cache/linux-$(BASE_VERSION)
TREE      := $(B)/linux
BASETREE  := $(B)/base
PATCHDIR  := $(TOP)/patches
else ifeq ($(SERIES),7.3)
SRC       := $(ML_SRC)
TREE      := $(ML_TREE)
BASETREE  := $(ML_BASE)
PATCHDIR  := $(TOP)/patches-7.3
else
$(error SERIES must be 6.12 or 7.3, not '$(SERIES)')
endif

# mainline: the unpatched 7.3 kernel, whatever the series.
ifeq ($(VARIANT),base)
KSRC := $(BASETREE)
else ifeq ($(VARIANT),patched)
KSRC := $(TREE)
else ifeq ($(VARIANT),mainline)
KSRC := $(ML_BASE)
else
$(error VARIANT must be patched, base or mainline, not '$(VARIANT)')
endif
ifeq ($(filter $(ARCH),x86_64 arm64),)
$(error ARCH must be x86_64 or arm64, not '$(ARCH)')
endif
IMAGE_x86_64 := arch/x86/boot/bzImage
IMAGE_arm64  := arch/arm64/boot/Image
KIMAGE := $(KSRC)/out-$(ARCH)/$(IMAGE_$(ARCH))
GUEST  := $(B)/guest$(if $(filter 7.3,$(SERIES)),-7.3)/$(ARCH)

# The mm selftests put into the guests: 6.12's that exercise mremap()
# and the series' own (soft-dirty is x86-only in 6.12).
SELFTESTS        := mremap_test mremap_dontunmap hugepage-mremap mseal_test \
		    mlock2-tests uffd-unit-tests mremap_errors mremap_kinds \
		    mremap_tiers mremap_multi mremap_fault
SELFTESTS_x86_64 := $(SELFTESTS) soft-dirty
SELFTESTS_arm64  := $(SELFTESTS)
# The 7.3 series' guests: the mremap category of run_vmtests.sh.
SELFTESTS_7.3    := mremap_test mremap_dontunmap mremap_errors mremap_kinds \
		    mremap_multi mremap_fault mremap_tiers

.PHONY: all run check validate soak kunit bench profile profile-call mail shell deps base tree export kernel guest help \
	print-selftests
all: help
help:
	@sed -n '2,/^$$/s/^# \{0,1\}//p' Makefile

deps:
	@$(S)/install-deps.sh

base: deps
ifeq ($(SERIES),6.12)
	@$(S)/fetch-source.sh linux-source-6.12 "$(BASE_VERSION)" "$(B)/cache" >/dev/null
else
	@$(S)/fetch-source.sh linux-source-7.3 "$(MAINLINE_VERSION)" "$(B)/cache" \
		"$(MAINLINE_SUITE)" >/dev/null
endif

# Recreate the work tree from base + the series (refuses to drop
# unexported work; FORCE=1 overrides).
tree: base
	@$(S)/make-tree.sh "$(SRC)" "$(TREE)" "$(BASETREE)" "$(PATCHDIR)"

# Create the work tree only if it is not there: 'make run' builds what you
# have in build/linux, committed or not.
$(TREE)/.git:
	@$(MAKE) --no-print-directory tree

# The mainline tree (and its pristine worktree) for VARIANT=mainline.
ifneq ($(SERIES),7.3)
$(ML_TREE)/.git:
	@$(MAKE) --no-print-directory tree SERIES=7.3
endif

export:
	@$(S)/export-series.sh "$(TREE)" "$(PATCHDIR)"

kernel: deps $(TREE)/.git $(if $(filter mainline,$(VARIANT)),$(ML_TREE)/.git)
	@echo "building $(ARCH) kernel ($(VARIANT)) in $(KSRC)/out-$(ARCH)"
	@$(S)/build-kernel.sh "$(KSRC)" $(ARCH) "$(TOP)/configs"

# The guest userspace: built from the series' tree against its headers,
# plus mainline's mremap selftests (ml-*) for the 6.12 series.
guest: deps $(TREE)/.git $(ML_TREE)/.git
	@test -d "$(TREE)/out-$(ARCH)/usr/include/linux" || \
		$(S)/build-kernel.sh "$(TREE)" $(ARCH) "$(TOP)/configs" headers
	@BUSYBOX=$$($(S)/fetch-static-bin.sh $(ARCH) "$(B)/cache/static-$(ARCH)" busybox) && \
		BASH_STATIC=$$($(S)/fetch-static-bin.sh $(ARCH) "$(B)/cache/static-$(ARCH)" bash) && \
		BUSYBOX=$$BUSYBOX BASH_STATIC=$$BASH_STATIC \
		ML_SRC="$(if $(filter 6.12,$(SERIES)),$(ML_BASE))" \
		$(S)/build-guest.sh "$(TREE)" $(ARCH) "$(GUEST)" \
		$(if $(filter 7.3,$(SERIES)),$(SELFTESTS_7.3),$(SELFTESTS_$(ARCH))) >/dev/null

run: kernel guest
	@rm -f "$(B)/run/results.txt"
	@$(S)/run-plan.sh $(ARCH) $(VARIANT) "$(KIMAGE)" "$(GUEST)" \
		"$(TOP)/plans/$(if $(filter 7.3,$(SERIES)),check-7.3,run).plan" \
		"$(B)/run" "$(B)/run/results.txt" --show
	@$(S)/summarize.sh "$(B)/run/results.txt"

shell: kernel guest
	@$(S)/expand-plan.sh plans/shell.plan $(ARCH) >"$(B)/shell.plan"
	@echo "booting $(ARCH) ($(VARIANT)); the tests are in /bin; 'exit' powers off"
	@MODE=shell $(S)/run-guest.sh $(ARCH) "$(KIMAGE)" "$(GUEST)/initramfs.cpio" \
		"$(B)/shell.plan" /dev/null

check:
	@$(S)/check.sh

validate: kernel guest
	@rm -f "$(B)/validate/results.txt"
	@RUN_TAG=full $(S)/run-plan.sh $(ARCH) $(VARIANT) "$(KIMAGE)" "$(GUEST)" \
		"$(TOP)/plans/full-validation.plan" "$(B)/validate" "$(B)/validate/results.txt"
	@$(S)/summarize.sh "$(B)/validate/results.txt"

# The suite's .kunitconfig in each series' tree.
KUNITCONFIG_6.12 := lib/tests/mremap_kunit.kunitconfig
KUNITCONFIG_7.3  := mm/tests/mremap_kunit.kunitconfig
kunit: deps $(TREE)/.git
	@rm -f "$(B)/kunit/results.txt"; mkdir -p "$(B)/kunit"
	@$(S)/kunit.sh "$(TREE)" "$(KUNITCONFIG_$(SERIES))" "$(B)/kunit/$(SERIES)" \
		"$(B)/kunit/results.txt" $(or $(KUNIT_ARCHES),x86_64 arm64)
	@$(S)/summarize.sh "$(B)/kunit/results.txt"

soak: deps $(TREE)/.git
	@$(S)/soak.sh

BENCH_ARCHES ?= x86_64 arm64
bench: deps $(TREE)/.git $(ML_TREE)/.git
	@$(S)/bench.sh $(BENCH_ARCHES)

mail:
	@$(S)/mail.sh "$(B)/mail"

CASE ?= move-2-pages
profile: deps $(TREE)/.git
	@$(S)/profile.sh $(ARCH) $(CASE)

KERNELS ?= base patched
profile-call: deps $(TREE)/.git
	@$(S)/profile-call.sh $(ARCH) $(CASE) $(KERNELS)

print-selftests:
	@echo $(if $(filter 7.3,$(SERIES)),$(SELFTESTS_7.3),$(SELFTESTS_$(ARCH)))
