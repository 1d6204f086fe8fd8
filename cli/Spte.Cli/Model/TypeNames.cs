using System;

namespace Spte.Cli.Model;

/// <summary>C# spellings of field types ("bool", "ulong"); enums keep their own name.</summary>
internal static class TypeNames
{
    /// <summary>The C# keyword for a built-in type, else the type's name.</summary>
    public static string Of(Type type) => Type.GetTypeCode(type) switch
    {
        _ when type.IsEnum => type.Name,
        TypeCode.Boolean => "bool",
        TypeCode.Byte => "byte",
        TypeCode.SByte => "sbyte",
        TypeCode.UInt16 => "ushort",
        TypeCode.Int16 => "short",
        TypeCode.UInt32 => "uint",
        TypeCode.Int32 => "int",
        TypeCode.UInt64 => "ulong",
        TypeCode.Int64 => "long",
        _ => type.Name,
    };
}
