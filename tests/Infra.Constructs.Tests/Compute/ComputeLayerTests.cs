using System.Reflection;
using System.Reflection.Emit;
using Infra.Constructs.Compute;

namespace Infra.Constructs.Tests.Compute;

/// <summary>
/// Monitoring builds on Compute, never the reverse (issue 14): no type of Infra.Constructs.Compute names a type
/// of Infra.Constructs.Monitoring, in its signatures or in its method bodies (compiler-generated closures included).
/// </summary>
public class ComputeLayerTests
{
    private const string Compute = "Infra.Constructs.Compute";
    private const string Monitoring = "Infra.Constructs.Monitoring";

    private static readonly Dictionary<short, OpCode> OpCodesByValue = typeof(OpCodes)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Select(f => (OpCode)f.GetValue(null)!)
        .ToDictionary(o => o.Value);

    [Fact]
    public void ComputeUsesNoMonitoringType()
    {
        var computeTypes = typeof(WebFleet).Assembly.GetTypes().Where(t => t.Namespace == Compute).ToList();
        computeTypes.Should().Contain(typeof(FleetLogs)).And.Contain(typeof(CloudWatchAgentScript));
        var uses = computeTypes.SelectMany(t => Used(t).Where(IsMonitoring).Select(u => $"{t.FullName} uses {u.FullName}")).Distinct().ToList();
        uses.Should().BeEmpty();
    }

    [Fact]
    public void TheCheckSeesUsesInMethodBodies()
    {
        // The check itself: WebFleet's constructor creates a FleetLogs (newobj in its IL, in no signature),
        // and WebMonitoring, which may use Compute, is seen using WebFleet.
        BodyUses(typeof(WebFleet).GetConstructors().Single()).Should().Contain(typeof(FleetLogs));
        Used(typeof(Infra.Constructs.Monitoring.WebMonitoring)).Should().Contain(typeof(WebFleet));
    }

    private static bool IsMonitoring(Type t) =>
        t.Namespace == Monitoring || (t.IsGenericType && t.GetGenericArguments().Any(IsMonitoring)) || (t.HasElementType && IsMonitoring(t.GetElementType()!));

    private static IEnumerable<Type> Used(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        if (type.BaseType is { } b) yield return b;
        foreach (var i in type.GetInterfaces()) yield return i;
        foreach (var f in type.GetFields(all)) yield return f.FieldType;
        foreach (var p in type.GetProperties(all)) yield return p.PropertyType;
        foreach (var m in type.GetMethods(all).Cast<MethodBase>().Concat(type.GetConstructors(all)))
        {
            if (m is MethodInfo mi) yield return mi.ReturnType;
            foreach (var p in m.GetParameters()) yield return p.ParameterType;
            foreach (var t in BodyUses(m)) yield return t;
        }
    }

    /// <summary>The types a method body names: every type, method and field token of its IL.</summary>
    private static IEnumerable<Type> BodyUses(MethodBase method)
    {
        var il = method.GetMethodBody()?.GetILAsByteArray();
        if (il is null) yield break;
        var typeArgs = method.DeclaringType is { IsGenericType: true } d ? d.GetGenericArguments() : null;
        var methodArgs = method.IsGenericMethod ? method.GetGenericArguments() : null;
        foreach (var local in method.GetMethodBody()!.LocalVariables) yield return local.LocalType;
        for (var i = 0; i < il.Length;)
        {
            var code = il[i] == 0xFE ? OpCodesByValue[(short)(0xFE00 | il[i + 1])] : OpCodesByValue[il[i]];
            i += code.Size;
            var size = OperandSize(code.OperandType, il, i);
            if (code.OperandType is OperandType.InlineType or OperandType.InlineMethod or OperandType.InlineField or OperandType.InlineTok)
            {
                var member = method.Module.ResolveMember(BitConverter.ToInt32(il, i), typeArgs, methodArgs);
                if (member is Type t) yield return t;
                else if (member?.DeclaringType is { } owner) yield return owner;
                if (member is FieldInfo fi) yield return fi.FieldType;
                if (member is MethodInfo mi) yield return mi.ReturnType;
            }
            i += size;
        }
    }

    private static int OperandSize(OperandType type, byte[] il, int at) => type switch
    {
        OperandType.InlineNone => 0,
        OperandType.ShortInlineBrTarget or OperandType.ShortInlineI or OperandType.ShortInlineVar => 1,
        OperandType.InlineVar => 2,
        OperandType.InlineI8 or OperandType.InlineR => 8,
        OperandType.InlineSwitch => 4 + 4 * BitConverter.ToInt32(il, at),
        _ => 4,
    };
}
