namespace Spte.Runtime;

/// <summary>The machine type passed to <c>KVM_CREATE_VM</c> (<c>KVM_X86_*_VM</c>).</summary>
public enum KvmVmType
{
    /// <summary><c>KVM_X86_DEFAULT_VM</c>: an ordinary VM.</summary>
    Default = 0,

    /// <summary><c>KVM_X86_TDX_VM</c>: a TD. Its shared EPT is walked with "EPT-violation #VE" always on.</summary>
    Tdx = 5,
}
