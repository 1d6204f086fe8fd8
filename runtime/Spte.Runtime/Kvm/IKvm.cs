namespace Spte.Runtime;

/// <summary>
/// What a VMM holds after opening <c>/dev/kvm</c>, whichever backend is behind it: the simulated
/// host (<see cref="Kvm"/>) or the machine's real KVM (<see cref="DevKvm"/>). Only what KVM's API
/// lets a VMM observe is here; SPTEs, events, invariants and stats stay on the simulated types.
/// </summary>
public interface IKvm
{
    /// <summary>A one-line name of the backend, for logs.</summary>
    string Backend { get; }

    /// <summary><c>KVM_CREATE_VM</c> of the default machine type.</summary>
    /// <exception cref="KvmException">The ioctl failed.</exception>
    IKvmVm CreateVm();
}
