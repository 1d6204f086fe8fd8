/*
 * The C reference's work (../shared/anchors/tdp_ref.c: same pool, workloads, gfn sequence and
 * per-unit divisions, same output lines) plus the locked operations KVM's TDP MMU performs on
 * the same path, and nothing else. It answers one question for issue 6: how much of the gap
 * between the C# runtime and plain C is the price of KVM's synchronisation, which any
 * KVM-faithful implementation pays, in any language.
 *
 * What is added, each an x86 lock-prefixed instruction (a full barrier: later loads wait for it,
 * so the cache misses of successive faults can no longer overlap as they do in plain C):
 *   map step (kvm_tdp_mmu_map; the caller holds mmu_lock for read, rcu_read_lock is free in a
 *   non-preemptible kernel): every entry installed with cmpxchg (tdp_mmu_set_spte_atomic), a new
 *   table counted with an atomic increment (tdp_account_mmu_page), a new leaf with an atomic add
 *   to the page-size statistic (kvm_update_page_stats).
 *   full fault: read_lock and read_unlock of mmu_lock around the map step (two atomic adds), and
 *   the re-entry into the guest before the retried access (vcpu_enter_guest's smp_store_mb of
 *   vcpu->mode = IN_GUEST_MODE, an xchg; leaving the guest is a plain store).
 *   zap (tdp_mmu_zap_leafs under the write lock): an atomic add of -1 to the page-size
 *   statistic per leaf (handle_changed_spte). The leaf itself is cleared with a plain store, as
 *   kvm_tdp_mmu_write_spte does when spte_has_volatile_bits is false: KVM's make_spte sets the
 *   accessed bit, and the dirty bit with the writable one, so a leaf a fault installed has no
 *   volatile bits.
 * Two knobs, both off by default, serve the experiment walk-overlap.sh runs (docs/benchmarks.md,
 * "What the figures say"): -DWALK_FENCE=1 puts each walk in an RCU-style read section entered
 * with xchg, as the runtime's simulated CPU does; -DWALK_WORK=N follows each walk with N
 * dependent multiplies (no memory access), standing in for a walk that does more work.
 * Build: cc -O2 -o tdp_kvm_sync tdp_kvm_sync.c
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef WALK_FENCE
#define WALK_FENCE 0
#endif
#ifndef WALK_WORK
#define WALK_WORK 0
#endif

#define NONPRESENT (1ULL << 63)
#define PRESENT (1ULL << 11)
#define RWX 0x7ULL
#define PFN_MASK 0x000FFFFFFFFFF000ULL

static uint64_t *pool;
static size_t pool_pages, pool_used;
static uint64_t *root;

/* The shared words KVM's path writes with locked instructions. */
static int64_t mmu_lock_readers;
static int64_t tdp_mmu_pages;
static int64_t pages_4k;
static int vcpu_mode;
enum { OUTSIDE_GUEST_MODE, IN_GUEST_MODE };

static uint64_t *new_table(void)
{
	uint64_t *t = pool + pool_used++ * 512;
	for (int i = 0; i < 512; i++)
		t[i] = NONPRESENT;
	return t;
}

static inline uint64_t *child_of(uint64_t spte)
{
	return pool + ((spte & PFN_MASK) >> 12) * 512;
}

static inline uint64_t read_spte(uint64_t *sptep)
{
	return __atomic_load_n(sptep, __ATOMIC_RELAXED);
}

/* tdp_mmu_set_spte_atomic: 1 when the entry still held old and now holds new. */
static inline int set_spte_atomic(uint64_t *sptep, uint64_t old, uint64_t new)
{
	return __atomic_compare_exchange_n(sptep, &old, new, 0, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
}

static void map_step(uint64_t gfn, uint64_t pfn)
{
	uint64_t *t = root;
	for (int level = 4; level > 1; level--) {
		uint64_t *sptep = &t[(gfn >> (9 * (level - 1))) & 511];
		uint64_t old = read_spte(sptep);
		if (!(old & PRESENT)) {
			uint64_t *child = new_table();
			uint64_t nonleaf = ((uint64_t)(child - pool) / 512) << 12 | PRESENT | RWX;
			if (!set_spte_atomic(sptep, old, nonleaf)) {
				fprintf(stderr, "lost a race with no other thread\n");
				exit(1);
			}
			__atomic_fetch_add(&tdp_mmu_pages, 1, __ATOMIC_RELAXED);
			old = nonleaf;
		}
		t = child_of(old);
	}
	uint64_t *sptep = &t[gfn & 511];
	if (set_spte_atomic(sptep, read_spte(sptep), (pfn << 12) | PRESENT | RWX | (6 << 3)))
		__atomic_fetch_add(&pages_4k, 1, __ATOMIC_RELAXED);
}

static void fault_handler(uint64_t gfn, uint64_t pfn)
{
	__atomic_fetch_add(&mmu_lock_readers, 1, __ATOMIC_ACQUIRE);
	map_step(gfn, pfn);
	__atomic_fetch_sub(&mmu_lock_readers, 1, __ATOMIC_RELEASE);
}

static size_t zap(uint64_t *t, int level)
{
	size_t zapped = 0;
	for (int i = 0; i < 512; i++) {
		uint64_t spte = read_spte(&t[i]);
		if (!(spte & PRESENT))
			continue;
		if (level > 1) {
			zapped += zap(child_of(spte), level - 1);
			continue;
		}
		__atomic_store_n(&t[i], NONPRESENT, __ATOMIC_RELAXED);
		__atomic_fetch_add(&pages_4k, -1, __ATOMIC_RELAXED);
		zapped++;
	}
	return zapped;
}

static int walk_tables(uint64_t gpa, uint64_t *hpa)
{
	uint64_t *t = root;
	uint64_t gfn = gpa >> 12;
	for (int level = 4;; level--) {
		uint64_t e = t[(gfn >> (9 * (level - 1))) & 511];
		if (!(e & RWX))
			return 0;
		if (level == 1) {
			*hpa = (e & PFN_MASK) | (gpa & 0xfff);
			return 1;
		}
		t = child_of(e);
	}
}

static int64_t walk_reader;
static uint64_t walk_work = 1;

/* The simulated CPU's walk, with the experiment's knobs (compiled out when off). */
static int translate(uint64_t gpa, uint64_t *hpa)
{
	if (WALK_FENCE)
		__atomic_exchange_n(&walk_reader, 1, __ATOMIC_SEQ_CST);
	int translated = walk_tables(gpa, hpa);
	if (WALK_FENCE)
		__atomic_store_n(&walk_reader, 0, __ATOMIC_RELEASE);
	if (WALK_WORK) {
		uint64_t a = walk_work ^ *hpa;
		for (int k = 0; k < WALK_WORK; k++)
			a = a * 6364136223846793005ULL + 1442695040888963407ULL;
		walk_work = a;
	}
	return translated;
}

static double ns_now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void measure(const char *name, size_t n, int dense)
{
	pool_pages = n * 2 + 64;
	pool = aligned_alloc(4096, pool_pages * 4096);
	if (!pool) {
		perror("aligned_alloc");
		exit(1);
	}
	memset(pool, 0xff, pool_pages * 4096);
	uint64_t *gfns = malloc(n * sizeof(uint64_t));
	uint64_t x = 88172645463325252ULL;
	for (size_t i = 0; i < n; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		gfns[i] = dense ? i : x % (4 * n);
	}

	pool_used = 0;
	root = new_table();
	double t0 = ns_now();
	__atomic_fetch_add(&mmu_lock_readers, 1, __ATOMIC_ACQUIRE); /* held around the pass */
	for (size_t i = 0; i < n; i++)
		map_step(gfns[i], i + 1);
	__atomic_fetch_sub(&mmu_lock_readers, 1, __ATOMIC_RELEASE);
	double t1 = ns_now();
	size_t zapped = zap(root, 4);
	double t2 = ns_now();
	printf("%s n=%zu map %.1f ns/page zap %.1f ns/leaf tables=%zu leafs=%zu\n", name, n,
	       (t1 - t0) / n, (t2 - t1) / (zapped ? zapped : 1), pool_used, zapped);

	pool_used = 0;
	root = new_table();
	uint64_t sink = 0, hpa = 0;
	size_t violations = 0;
	double t3 = ns_now();
	for (size_t i = 0; i < n; i++) {
		uint64_t gpa = gfns[i] << 12 | 0x10;
		if (!translate(gpa, &hpa)) {
			violations++;
			__atomic_store_n(&vcpu_mode, OUTSIDE_GUEST_MODE, __ATOMIC_RELAXED);
			fault_handler(gfns[i], i + 1);
			__atomic_exchange_n(&vcpu_mode, IN_GUEST_MODE, __ATOMIC_SEQ_CST);
			if (!translate(gpa, &hpa)) {
				fprintf(stderr, "the retried access did not translate\n");
				exit(1);
			}
		}
		sink ^= hpa;
	}
	double t4 = ns_now();
	for (size_t i = 0; i < n; i++) {
		if (!translate(gfns[i] << 12, &hpa)) {
			fprintf(stderr, "a mapping was lost\n");
			exit(1);
		}
		sink ^= hpa;
	}
	double t5 = ns_now();
	sink ^= walk_work;
	printf("%s n=%zu fault %.1f ns/fault (walk, violation, locked map, retry) walk %.1f ns/access violations=%zu sink=%llx\n",
	       name, n, (t4 - t3) / (violations ? violations : 1), (t5 - t4) / n, violations,
	       (unsigned long long)((sink >> 12) & 0xff));
	free(gfns);
	free(pool);
}

int main(void)
{
	static const size_t sizes[] = { 1000, 10000, 100000, 1000000 };
	for (int dense = 1; dense >= 0; dense--)
		for (size_t s = 0; s < sizeof(sizes) / sizeof(sizes[0]); s++)
			measure(dense ? "dense" : "random25", sizes[s], dense);
	return 0;
}
