using System.Collections.Generic;
using System.Linq;
using System.Reflection;

namespace Spte.ZeroCost;

/// <summary>A method the JIT lists, with the name its listing carries (<c>Class:Method</c>, a generic method's instantiation in brackets).</summary>
/// <param name="Method">The method, instantiated if generic.</param>
/// <param name="ListingName">The key of its listing.</param>
public sealed record ListedMethod(MethodInfo Method, string ListingName)
{
    /// <summary>Wraps <paramref name="method"/>.</summary>
    public static ListedMethod Of(MethodInfo method) =>
        new(method, method.DeclaringType!.Name + ":" + method.Name
            + (method.IsGenericMethod ? "[" + string.Join(",", method.GetGenericArguments().Select(static t => t.FullName)) + "]" : ""));
}

/// <summary>One generated member's probe and the hand-written idioms it is measured against.</summary>
/// <param name="Format">The format the probe belongs to.</param>
/// <param name="Generated">The probe over generated code.</param>
/// <param name="Twins">The same member hand-written, one method per idiom.</param>
public sealed record IdiomComparison(string Format, ListedMethod Generated, IReadOnlyList<ListedMethod> Twins)
{
    /// <summary>The name tests show: format and probe.</summary>
    public string Name => Format + "." + Generated.Method.Name;
}
