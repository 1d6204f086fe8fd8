using System;
using Spte.Runtime.Formats;
using Spte.Runtime.Hardware;
using Spte.Runtime.Memory;
using Spte.Runtime.Mmu;
using Spte.Runtime.Mmu.Spte;
using Spte.Runtime.X86;

namespace Spte.Runtime;

/// <summary>
/// The front door, shaped like <c>/dev/kvm</c>: a simulated host (CPU and memory) on which VMs
/// are created. A program written against KVM's ioctls maps onto it one to one:
/// <c>KVM_CREATE_VM</c> → <see cref="CreateVm"/>, <c>KVM_SET_USER_MEMORY_REGION</c> →
/// <see cref="KvmVm.SetUserMemoryRegion(uint, ulong, ulong, Memslots.KvmMemFlags)"/>, <c>KVM_CREATE_VCPU</c> →
/// <see cref="KvmVm.CreateVcpu"/>, <c>KVM_RUN</c> → <see cref="KvmVcpu.Run"/>.
/// </summary>
public sealed class Kvm : IKvm
{
    /// <summary>Creates a host with <paramref name="cpu"/> and room for <paramref name="pageTableBudget"/> page-table pages.</summary>
    public Kvm(HostCpu cpu, int pageTableBudget = 1 << 16)
    {
        ArgumentNullException.ThrowIfNull(cpu);
        if (cpu.MaxTdpLevel is not (PgLevel.Root4Level or PgLevel.Root5Level))
        {
            throw new ArgumentOutOfRangeException(nameof(cpu), cpu.MaxTdpLevel, "A TDP walk has 4 or 5 levels.");
        }

        Cpu = cpu;
        Memory = new HostMemory(pageTableBudget, cpu.MaxPhyAddr);
    }

    /// <summary>The host CPU.</summary>
    public HostCpu Cpu { get; }

    /// <summary>The KVM module parameters VMs are created with (<c>kvm.tdp_mmu</c>, …).</summary>
    public KvmModuleParams ModuleParams { get; init; } = new();

    /// <inheritdoc/>
    public string Backend => $"simulated {Cpu.Vendor} host ({(ModuleParams.Tdp ? ModuleParams.TdpMmu ? "TDP MMU" : "legacy MMU" : "shadow paging")})";

    /// <summary>The host's memory.</summary>
    internal HostMemory Memory { get; }

    /// <summary>
    /// <c>KVM_CREATE_VM</c>. The TDP root has 5 levels when the CPU supports it and the guest's
    /// MAXPHYADDR exceeds 48 bits (<c>kvm_mmu_get_tdp_level</c>), else 4.
    /// </summary>
    /// <param name="type">The machine type; <see cref="KvmVmType.Tdx"/> needs an Intel CPU.</param>
    /// <param name="guestMaxPhyAddr">The guest's MAXPHYADDR (CPUID); by default the host's.</param>
    /// <exception cref="KvmException">EINVAL: TDX on AMD, without the TDP MMU or without EPT, or a guest MAXPHYADDR above the host's.</exception>
    public KvmVm CreateVm(KvmVmType type = KvmVmType.Default, int? guestMaxPhyAddr = null)
    {
        var guestBits = guestMaxPhyAddr ?? Cpu.MaxPhyAddr;
        if (guestBits < 32 || guestBits > Cpu.MaxPhyAddr)
        {
            throw new KvmException(KvmErrno.EINVAL, $"guest MAXPHYADDR {guestBits} must be 32..{Cpu.MaxPhyAddr}.");
        }

        if (ModuleParams.NxHugePages && !(ModuleParams.Tdp && ModuleParams.TdpMmu))
        {
            throw new NotSupportedException("The NX huge page mitigation is modelled for the TDP MMU only (kvm.tdp_mmu=Y with EPT/NPT); the legacy MMU's is not.");
        }

        if (ModuleParams.EnablePml && !(Cpu.Vendor == CpuVendor.Intel && ModuleParams.Tdp && ModuleParams.TdpMmu))
        {
            throw new NotSupportedException("PML (kvm_intel.enable_pml) is modelled on Intel with EPT and the TDP MMU only; AMD has no PML, and the legacy MMU's clear-dirty path is not modelled.");
        }

        if (type == KvmVmType.Tdx && !ModuleParams.TdpMmu)
        {
            throw new KvmException(KvmErrno.EINVAL, "TDX VMs need the TDP MMU (kvm.tdp_mmu=Y).");
        }

        if (!ModuleParams.Tdp)
        {
            return CreateShadowPagingVm(type, guestBits);
        }

        var rootLevel = Cpu.MaxTdpLevel == PgLevel.Root5Level && guestBits > 48 ? PgLevel.Root5Level : PgLevel.Root4Level;
        var maxHuge = Cpu.Supports1GPages ? PgLevel.Pg1G : PgLevel.Pg2M;
        if (Cpu.Vendor == CpuVendor.Intel)
        {
            var caps = new EptCapabilities { MaxPhyAddr = Cpu.MaxPhyAddr, ExecuteOnly = Cpu.EptExecuteOnly, Supports1G = Cpu.Supports1GPages, Pml = ModuleParams.EnablePml };
            var options = new KvmMmuOptions { TdpMmu = ModuleParams.TdpMmu, ProveMmu = ModuleParams.ProveMmu, EagerPageSplit = ModuleParams.EagerPageSplit, NxHugePages = ModuleParams.NxHugePages, Pml = ModuleParams.EnablePml, RootLevel = rootLevel, MaxHugePageLevel = maxHuge, Mmio = type == KvmVmType.Tdx ? MmioSpteMask.Tdx : MmioSpteMask.Vmx };
            return new KvmVm<EptSpte>(this, type, guestBits, options, ve => new EptWalker(Memory, caps, ve));
        }

        if (type == KvmVmType.Tdx)
        {
            throw new KvmException(KvmErrno.EINVAL, "TDX VMs need an Intel CPU.");
        }

        var nptCaps = new NptCapabilities { MaxPhyAddr = Cpu.MaxPhyAddr, Supports1G = Cpu.Supports1GPages };
        var nptOptions = new KvmMmuOptions { TdpMmu = ModuleParams.TdpMmu, ProveMmu = ModuleParams.ProveMmu, EagerPageSplit = ModuleParams.EagerPageSplit, NxHugePages = ModuleParams.NxHugePages, RootLevel = rootLevel, MaxHugePageLevel = maxHuge, Mmio = MmioSpteMask.Npt(Cpu.MaxPhyAddr) };
        return new KvmVm<NptSpte>(this, type, guestBits, nptOptions, _ => new NptWalker(Memory, nptCaps));
    }

    /// <inheritdoc/>
    IKvmVm IKvm.CreateVm() => CreateVm();

    /// <summary>
    /// A VM with shadow paging (<c>ept=N</c>/<c>npt=N</c>): on either vendor the CPU walks x86-64
    /// page tables the legacy MMU builds (the <see cref="NptSpte"/> format is that format), 4
    /// levels for 4-level guests; MMIO SPTEs set reserved address bits, as on NPT.
    /// </summary>
    private KvmVm CreateShadowPagingVm(KvmVmType type, int guestBits)
    {
        if (type == KvmVmType.Tdx)
        {
            throw new KvmException(KvmErrno.EINVAL, "TDX VMs need EPT (kvm_intel.ept=Y).");
        }

        var caps = new NptCapabilities { MaxPhyAddr = Cpu.MaxPhyAddr, Supports1G = Cpu.Supports1GPages };
        var options = new KvmMmuOptions
        {
            TdpMmu = false,
            ProveMmu = ModuleParams.ProveMmu,
            ShadowPaging = true,
            RootLevel = PgLevel.Root4Level,
            MaxHugePageLevel = Cpu.Supports1GPages ? PgLevel.Pg1G : PgLevel.Pg2M,
            Mmio = MmioSpteMask.Npt(Cpu.MaxPhyAddr),
        };
        return new KvmVm<NptSpte>(this, type, guestBits, options, _ => new NptWalker(Memory, caps));
    }
}
