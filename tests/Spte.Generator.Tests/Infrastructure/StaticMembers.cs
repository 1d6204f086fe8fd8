using System;
using System.Dynamic;
using System.Linq;
using System.Reflection;

namespace Spte.Generator.Tests.Infrastructure;

/// <summary>
/// Lets a test write <c>ept.NewTable(512)</c> or <c>ept.PfnMask</c> against a type that only
/// exists in a loaded test assembly. Exceptions thrown by the member are not wrapped, so a test
/// can assert the exact exception type the generated code throws.
/// </summary>
internal sealed class StaticMembers(Type type) : DynamicObject
{
    private const BindingFlags Flags = BindingFlags.Public | BindingFlags.Static | BindingFlags.DoNotWrapExceptions;

    public override bool TryGetMember(GetMemberBinder binder, out object? result)
    {
        if (type.GetField(binder.Name, Flags) is { } field)
        {
            result = field.GetValue(null);
            return true;
        }

        if (type.GetProperty(binder.Name, Flags) is { } property)
        {
            result = property.GetValue(null);
            return true;
        }

        result = null;
        return false;
    }

    public override bool TryInvokeMember(InvokeMemberBinder binder, object?[]? args, out object? result)
    {
        args ??= [];
        var method = type.GetMethods(Flags).SingleOrDefault(m => m.Name == binder.Name && m.GetParameters().Length == args.Length);
        if (method is null)
        {
            result = null;
            return false;
        }

        result = method.Invoke(null, Flags, binder: null, args, culture: null);
        return true;
    }
}
