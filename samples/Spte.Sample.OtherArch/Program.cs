using System;
using Spte.Sample.OtherArch.Arm64;
using Spte.Sample.OtherArch.RiscV;

// Entries of two non-x86 formats, built with the generated With... methods and decoded by the
// generated ToString. Each line says what the hardware (and KVM) make of the entry.

Console.WriteLine("ARM64 stage 2 (VMSAv8-64, 4KB granule)");

Stage2Descriptor page = Stage2Descriptor.Page.FromRaw(Stage2Descriptor.NonPresentValue)
    .WithValid(true)
    .WithTableOrPage(true)
    .WithMemAttr(Stage2MemAttr.NormalWriteBack)
    .WithAccess(Stage2Access.ReadWrite)
    .WithShareability(Shareability.InnerShareable)
    .WithAccessFlag(true)
    .WithOutputAddress(0x80042);
Show("guest RAM, 4KB page", page, page.AsPage.ToString());

Stage2Descriptor block = Stage2Descriptor.Block2M.FromRaw(Stage2Descriptor.NonPresentValue)
    .WithValid(true)
    .WithMemAttr(Stage2MemAttr.DeviceNGnRE)
    .WithAccess(Stage2Access.ReadWrite)
    .WithAccessFlag(true)
    .WithExecuteNever(ExecuteNever.Never)
    .WithOutputAddress(0x400);
Show("device, 2MB block", block, block.AsBlock2M.ToString());

Stage2Descriptor table = Stage2Descriptor.Table.FromRaw(Stage2Descriptor.NonPresentValue)
    .WithValid(true)
    .WithTableOrPage(true)
    .WithNextTable(0x81234);
Show("next-level table", table, table.AsTable.ToString());

Show("empty (invalid, all zero)", Stage2Descriptor.NonPresent, Stage2Descriptor.NonPresent.ToString());
Show("break-before-make in progress", Stage2Descriptor.Locked, Stage2Descriptor.Locked.ToString());

// pKVM annotates the host stage 2 with the owner of pages it gave away (PKVM_ID_HYP = 1, from memory).
Stage2Descriptor owned = Stage2Descriptor.Invalid.FromRaw(Stage2Descriptor.NonPresentValue).WithOwnerId(1);
Show("pKVM: owner 1, the hypervisor", owned, owned.AsInvalid.ToString());

Console.WriteLine();
Console.WriteLine("RISC-V G-stage (Sv39x4/Sv48x4)");

GStagePte pointer = GStagePte.NonLeaf.FromRaw(GStagePte.NonPresentValue).WithValid(true).WithPpn(0x81000);
Show("pointer to the next level", pointer, pointer.AsNonLeaf.ToString());

GStagePte leaf = GStagePte.Leaf.FromRaw(GStagePte.NonPresentValue)
    .WithValid(true)
    .WithReadable(true)
    .WithWritable(true)
    .WithUser(true)
    .WithAccessed(true)
    .WithDirty(true)
    .WithPpn(0x80042);
Show("guest RAM, 4KB leaf", leaf, leaf.AsLeaf.ToString());

GStagePte napot = GStagePte.Leaf.FromRaw(leaf.Raw).WithNapot(true).WithPbmt(Pbmt.Io).WithPpn(0x10008);
Show("I/O, 64KB NAPOT leaf", napot, napot.AsLeaf.ToString());

GStagePte writeOnly = GStagePte.NonPresent.WithValid(true).WithWritable(true).WithPpn(0x80042);
Show("W without R: valid but reserved", writeOnly, writeOnly.ToString());

GStagePte softwareOnly = GStagePte.NonPresent.WithRsw(3).WithPpn(0x1234);
Show("V clear, software bits kept", softwareOnly, softwareOnly.ToString());

static void Show<T>(string what, T entry, string decoded)
    where T : struct, Spte.ISpte<T> =>
    Console.WriteLine($"  {what,-32} present={entry.IsPresent,-5} {decoded}");
