using Xunit;

// The RCU's reader records are process-wide, like the kernel's one RCU: a read section that a
// test on another thread holds delays every other test's grace period. Tests that poll and
// assert what was freed would then depend on scheduling, so test classes run one at a time.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
