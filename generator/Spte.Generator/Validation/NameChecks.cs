using System.Collections.Generic;
using Spte.Generator.Diagnostics;
using Spte.Generator.Model;

namespace Spte.Generator.Validation;

/// <summary>
/// Every name the generated code declares in one scope must be unique, or the output would not
/// compile; a clash (SPTE0010) is reported where the user chose the later name.
/// </summary>
internal static class NameChecks
{
    public static void Check(ValidationContext context, List<CheckedField> common, List<CheckedView> views)
    {
        var format = context.Format;
        var scope = new NameScope(context, format.Name, "Raw", "FromRaw", "Equals", "GetHashCode", "ToString", "NonPresent", "NonPresentValue", "PresentMask", "IsPresent", "NewTable", "ReservedMask", "ReservedBits");
        foreach (var field in common)
        {
            scope.AddField(field);
        }

        foreach (var special in format.Specials)
        {
            scope.Add("special value '" + special.Name + "'", special.NameLocation, special.Name, special.Name + "Value", "Is" + special.Name);
        }

        foreach (var mask in format.Masks)
        {
            scope.Add("mask '" + mask.Name + "'", mask.NameLocation, mask.Name + "Mask");
        }

        foreach (var view in views)
        {
            scope.Add("view '" + view.Declaration.Name + "'", view.Declaration.Location, view.Declaration.Name, "As" + view.Declaration.Name);
            var viewScope = new NameScope(context, view.Declaration.Name, "Raw", "FromRaw", "Equals", "GetHashCode", "ToString", "IsPresent", "ReservedMask", "ReservedBits");
            foreach (var field in common)
            {
                viewScope.Add("field '" + field.Declaration.Name + "'", field.Declaration.NameLocation, field.Declaration.Name, "With" + field.Declaration.Name);
            }

            foreach (var field in view.Fields)
            {
                viewScope.AddField(field);
            }
        }
    }

    /// <summary>The names the generated code declares in one type, and who asked for each.</summary>
    private sealed class NameScope
    {
        private readonly ValidationContext _context;
        private readonly Dictionary<string, string> _owners = new(System.StringComparer.Ordinal);

        public NameScope(ValidationContext context, string typeName, params string[] generated)
        {
            _context = context;
            _owners[typeName] = "the enclosing type's name";
            foreach (var name in generated)
            {
                _owners[name] = "the generated member '" + name + "'";
            }
        }

        public void AddField(CheckedField field)
        {
            var name = field.Declaration.Name;
            var members = new List<string> { name, name + "Mask", name + "Max", "With" + name };
            if (field.Spec.Runs.Count == 1)
            {
                members.Add(name + "Shift");
            }

            Add("field '" + name + "'", field.Declaration.NameLocation, [.. members]);
        }

        public void Add(string owner, LocationInfo? location, params string[] names)
        {
            foreach (var name in names)
            {
                if (_owners.TryGetValue(name, out var existing))
                {
                    // One report per declaration: a name declared twice clashes in every member
                    // derived from it, and repeating that at one location is noise.
                    var what = names[0] == name ? owner : owner + " (its member '" + name + "')";
                    _context.Report(DiagnosticDescriptors.NameClash, location, what, existing);
                    _context.Structural = true;
                    return;
                }

                _owners[name] = owner;
            }
        }
    }
}
