using Spte;

namespace PackageConsumer;

// The non-present value sets the present bit: the packaged generator must report SPTE0001 here.
[SpteFormat(NonPresentValue = (1UL << 63) | (1UL << 11))]
public readonly partial struct BrokenSpte
{
    [Bit(11), Present] public partial bool MmuPresent { get; }
}
