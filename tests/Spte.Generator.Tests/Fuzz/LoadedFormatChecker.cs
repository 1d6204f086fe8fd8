using System;
using System.Collections.Generic;
using System.Linq;
using System.Reflection;
using Spte.Generator.Tests.Infrastructure;
using Xunit.Sdk;

namespace Spte.Generator.Tests.Fuzz;

/// <summary>
/// Checks one generated format, loaded from a compiled batch, against <see cref="ReferenceModel"/>
/// on a set of raw values: every constant, getter, With, ToString, view and table.
/// </summary>
internal sealed class LoadedFormatChecker(LoadedAssembly assembly, FormatModel format)
{
    private const BindingFlags Static = BindingFlags.Public | BindingFlags.Static | BindingFlags.DoNotWrapExceptions;
    private const BindingFlags Instance = BindingFlags.Public | BindingFlags.Instance | BindingFlags.DoNotWrapExceptions;

    private readonly Type _type = assembly.Type(format.TypeName);

    public void Check(IEnumerable<ulong> raws)
    {
        CheckConstants();
        var values = raws.Concat([0UL, ulong.MaxValue, format.NonPresent]).Concat(format.Specials.Select(static s => s.Value)).ToList();
        foreach (var raw in values)
        {
            var entry = FromRaw(_type, raw);
            Expect(raw, Get<ulong>(entry, "Raw"), "Raw");
            Expect((raw & format.PresentMask) != 0, Get<bool>(entry, "IsPresent"), "IsPresent");
            Expect(raw & format.ReservedMask, Get<ulong>(entry, "ReservedBits"), "ReservedBits");
            Expect(ReferenceModel.FormatText(format, raw, EnumType), entry.ToString(), "ToString");
            foreach (var special in format.Specials)
            {
                Expect(raw == special.Value, Get<bool>(entry, "Is" + special.Name), "Is" + special.Name);
            }

            foreach (var field in format.Fields)
            {
                CheckField(_type, entry, field, raw);
            }

            foreach (var view in format.Views)
            {
                CheckView(view, entry, raw);
            }
        }
    }

    private void CheckConstants()
    {
        Expect(true, typeof(ISpte<>).MakeGenericType(_type).IsAssignableFrom(_type), "implements ISpte<T>");
        Expect(format.NonPresent, Const<ulong>(_type, "NonPresentValue"), "NonPresentValue");
        Expect(format.PresentMask, Const<ulong>(_type, "PresentMask"), "PresentMask");
        Expect(format.ReservedMask, Const<ulong>(_type, "ReservedMask"), "ReservedMask");
        Expect(format.NonPresent, Get<ulong>(_type.GetProperty("NonPresent", Static)!.GetValue(null)!, "Raw"), "NonPresent.Raw");
        foreach (var special in format.Specials)
        {
            Expect(special.Value, Const<ulong>(_type, special.Name + "Value"), special.Name + "Value");
            Expect(special.Value, Get<ulong>(_type.GetProperty(special.Name, Static)!.GetValue(null)!, "Raw"), special.Name);
        }

        foreach (var mask in format.Masks)
        {
            Expect(mask.Value, Const<ulong>(_type, mask.Name + "Mask"), mask.Name + "Mask");
        }

        var newTable = _type.GetMethod("NewTable", Static)!;
        var size = format.Index % 7;
        var table = (Array)Call(newTable, null, size)!;
        Expect(size, table.Length, "NewTable length");
        foreach (var entry in table)
        {
            Expect(format.NonPresent, Get<ulong>(entry!, "Raw"), "NewTable entry");
        }

        Throws<ArgumentOutOfRangeException>(() => Call(newTable, null, -1), "NewTable(-1)");
    }

    private void CheckView(ViewModel view, object entry, ulong raw)
    {
        var viewType = _type.GetNestedType(view.Name, BindingFlags.Public | BindingFlags.NonPublic)!;
        var asView = _type.GetProperty("As" + view.Name, Instance)!.GetValue(entry)!;
        Expect(viewType, asView.GetType(), "As" + view.Name);
        Expect(raw, Get<ulong>(asView, "Raw"), view.Name + ".Raw");
        Expect(format.ViewReservedMask(view), Const<ulong>(viewType, "ReservedMask"), view.Name + ".ReservedMask");
        Expect(raw & format.ViewReservedMask(view), Get<ulong>(asView, "ReservedBits"), view.Name + ".ReservedBits");
        Expect((raw & format.PresentMask) != 0, Get<bool>(asView, "IsPresent"), view.Name + ".IsPresent");
        Expect(ReferenceModel.ViewText(format, view, raw, EnumType), asView.ToString(), view.Name + ".ToString");
        var back = Call(viewType.GetMethod("op_Implicit", Static, [viewType])!, null, asView)!;
        Expect(_type, back.GetType(), view.Name + " converts to the format");
        Expect(raw, Get<ulong>(back, "Raw"), view.Name + " converted back");
        foreach (var field in format.Fields.Concat(view.Fields))
        {
            CheckField(viewType, asView, field, raw);
        }

        foreach (var field in view.Fields)
        {
            Expect(field.Mask, Const<ulong>(viewType, field.Name + "Mask"), view.Name + "." + field.Name + "Mask");
        }
    }

    private void CheckField(Type owner, object entry, FieldModel field, ulong raw)
    {
        var where = $"{owner.Name}.{field.Name} of 0x{raw:X16}";
        var max = Bits.Low(field.Width);
        if (owner == _type || format.Views.Any(v => v.Name == owner.Name && v.Fields.Contains(field)))
        {
            Expect(field.Mask, Const<ulong>(owner, field.Name + "Mask"), field.Name + "Mask");
            Expect(max, Const<ulong>(owner, field.Name + "Max"), field.Name + "Max");
            var shift = owner.GetField(field.Name + "Shift", Static);
            Expect(field.Runs.Length == 1, shift is not null, field.Name + "Shift exists");
            if (shift is not null)
            {
                Expect(field.Runs[0].Low, (int)shift.GetValue(null)!, field.Name + "Shift");
            }
        }

        Expect(ReferenceModel.Typed(field.Type, ReferenceModel.Read(field, raw), EnumType), Get<object>(entry, field.Name), "get " + where);
        var with = owner.GetMethod("With" + field.Name, Instance)!;
        foreach (var value in new[] { 0UL, max, raw % (max == ulong.MaxValue ? max : max + 1), ReferenceModel.Read(field, ~raw) }.Distinct())
        {
            var result = Call(with, entry, ReferenceModel.Typed(field.Type, value, EnumType))!;
            Expect(ReferenceModel.Write(field, raw, value), Get<ulong>(result, "Raw"), $"With{field.Name}(0x{value:X}) on 0x{raw:X16}");
            Expect(ReferenceModel.Typed(field.Type, value, EnumType), Get<object>(result, field.Name), $"{field.Name} after With 0x{value:X}");
        }

        if (field.Type.Kind != TypeKind.Bool && field.Type.Capacity > field.Width)
        {
            var tooBig = ReferenceModel.Typed(field.Type, max + 1, EnumType);
            Throws<ArgumentOutOfRangeException>(() => Call(with, entry, tooBig), $"With{field.Name}(0x{max + 1:X})");
        }

        if (field.Type.Signed)
        {
            var negative = ReferenceModel.Negative(field.Type, EnumType);
            Throws<ArgumentOutOfRangeException>(() => Call(with, entry, negative), $"With{field.Name}(-1)");
        }
    }

    private Type EnumType(string name) => assembly.Type(format.EnumTypeName(name));

    private static object FromRaw(Type type, ulong raw) => Call(type.GetMethod("FromRaw", Static)!, null, raw)!;

    /// <summary>Invokes without wrapping what the generated code throws in a TargetInvocationException.</summary>
    private static object? Call(MethodInfo method, object? target, params object?[] args) =>
        method.Invoke(target, BindingFlags.DoNotWrapExceptions, binder: null, args, culture: null);

    private static T Get<T>(object entry, string property) =>
        (T)entry.GetType().GetProperty(property, Instance)!.GetValue(entry)!;

    private T Const<T>(Type type, string name) =>
        type.GetField(name, Static) is { } field ? (T)field.GetValue(null)! : throw Fail($"{type.Name} has no constant {name}");

    private void Expect<T>(T expected, T actual, string what)
    {
        if (!EqualityComparer<T>.Default.Equals(expected, actual))
        {
            throw Fail($"{what}: expected {expected}, got {actual}");
        }
    }

    private void Throws<TException>(Action action, string what)
        where TException : Exception
    {
        try
        {
            action();
        }
        catch (TException)
        {
            return;
        }

        throw Fail($"{what} did not throw {typeof(TException).Name}");
    }

    private XunitException Fail(string message) =>
        new($"Format {format.Name} disagrees with the reference model: {message}\n--- {format.FilePath} ---\n{FormatRenderer.Render(format)}");
}
