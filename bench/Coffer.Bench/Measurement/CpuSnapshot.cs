using System.Diagnostics;
using System.Globalization;

namespace Coffer.Bench.Measurement;

/// <summary>
/// CPU time consumed so far, read from Linux /proc: the whole machine (/proc/stat), the Coffer server
/// (one pid), PostgreSQL (every <c>postgres</c> process, plus the postmaster's reaped children so that
/// backends that exited inside the window still count), RabbitMQ (every <c>beam.smp</c>, the Erlang VM) and this
/// process (plus its reaped children, e.g. pgbench). Two snapshots bracket a window; <see cref="CpuWindow"/> is their difference.
/// On a machine without /proc every figure is zero and <see cref="Available"/> is false.
/// </summary>
internal sealed record CpuSnapshot(
    bool Available, long TakenAtTicks, long MachineBusy, long MachineTotal, long Server, long Postgres, long Self, long Broker = 0)
{
    /// <summary>USER_HZ: the unit of /proc times, 100 on every mainstream Linux architecture.</summary>
    public const double ClockTicksPerSecond = 100.0;

    public static CpuSnapshot Take(int? serverPid)
    {
        var now = Stopwatch.GetTimestamp();
        if (!File.Exists("/proc/stat"))
        {
            return new CpuSnapshot(false, now, 0, 0, 0, 0, 0);
        }
        var (busy, total) = ReadMachine();
        long server = 0, postgres = 0, self = 0, broker = 0;
        var processes = ReadProcesses();
        var selfPid = Environment.ProcessId;
        foreach (var p in processes.Values)
        {
            if (p.Pid == serverPid)
            {
                server = p.UserSystem;
            }
            if (p.Pid == selfPid)
            {
                self = p.UserSystem + p.ChildrenUserSystem;
            }
            if (p.Command == "beam.smp")
            {
                broker += p.UserSystem;
            }
            if (p.Command == "postgres")
            {
                var isPostmaster = !processes.TryGetValue(p.ParentPid, out var parent) || parent.Command != "postgres";
                postgres += p.UserSystem + (isPostmaster ? p.ChildrenUserSystem : 0);
            }
        }
        return new CpuSnapshot(true, now, busy, total, server, postgres, self, broker);
    }

    /// <summary>Peak and current resident set of a process in MiB (VmHWM, VmRSS), or nulls when unknown.</summary>
    public static (double? PeakMiB, double? CurrentMiB) Memory(int pid)
    {
        var path = $"/proc/{pid}/status";
        if (!File.Exists(path))
        {
            return (null, null);
        }
        double? peak = null, current = null;
        foreach (var line in File.ReadLines(path))
        {
            if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = KibibytesOf(line) / 1024.0;
            }
            else if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                current = KibibytesOf(line) / 1024.0;
            }
        }
        return (peak, current);
    }

    private static long KibibytesOf(string line) =>
        long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);

    private static (long Busy, long Total) ReadMachine()
    {
        // cpu  user nice system idle iowait irq softirq steal guest guest_nice (guest is inside user)
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Skip(1).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        var idle = fields[3] + fields[4];
        var busy = fields[0] + fields[1] + fields[2] + fields[5] + fields[6] + (fields.Length > 7 ? fields[7] : 0);
        return (busy, busy + idle);
    }

    private sealed record ProcessTimes(int Pid, string Command, int ParentPid, long UserSystem, long ChildrenUserSystem);

    private static Dictionary<int, ProcessTimes> ReadProcesses()
    {
        var result = new Dictionary<int, ProcessTimes>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
            {
                continue;
            }
            string text;
            try
            {
                text = File.ReadAllText(Path.Combine(directory, "stat"));
            }
            catch (IOException)
            {
                continue; // the process exited while we looked
            }
            catch (UnauthorizedAccessException)
            {
                continue;
            }
            // pid (comm) state ppid ... utime(14) stime(15) cutime(16) cstime(17); comm may hold spaces.
            var open = text.IndexOf('(');
            var close = text.LastIndexOf(')');
            var rest = text[(close + 2)..].Split(' ');
            long Field(int number) => long.Parse(rest[number - 3], CultureInfo.InvariantCulture);
            result[pid] = new ProcessTimes(pid, text[(open + 1)..close], (int)Field(4),
                Field(14) + Field(15), Field(16) + Field(17));
        }
        return result;
    }
}

/// <summary>
/// CPU seconds spent between two snapshots, by whom. "Other" is the rest of the machine (RabbitMQ, other tenants, the
/// kernel); <see cref="BrokerSeconds"/> is RabbitMQ's part of it.
/// </summary>
internal sealed record CpuWindow(
    double WindowSeconds, int MachineCores, double MachineBusySeconds, double ServerSeconds, double PostgresSeconds,
    double LoadGeneratorSeconds, double OtherSeconds, double BrokerSeconds = 0)
{
    public static CpuWindow? Between(CpuSnapshot start, CpuSnapshot end)
    {
        if (!start.Available || !end.Available)
        {
            return null;
        }
        static double Seconds(long ticks) => ticks / CpuSnapshot.ClockTicksPerSecond;
        var window = Stopwatch.GetElapsedTime(start.TakenAtTicks, end.TakenAtTicks).TotalSeconds;
        var busy = Seconds(end.MachineBusy - start.MachineBusy);
        var server = Seconds(end.Server - start.Server);
        var postgres = Seconds(end.Postgres - start.Postgres);
        var self = Seconds(end.Self - start.Self);
        return new CpuWindow(window, Environment.ProcessorCount, busy, server, postgres, self,
            Math.Max(0, busy - server - postgres - self), Seconds(end.Broker - start.Broker));
    }

    /// <summary>"server 1.10 cores, postgres 0.62, generator 0.21, other 0.05 (machine 1.98 of 2 busy)".</summary>
    public string Describe(string selfName) => string.Create(CultureInfo.InvariantCulture,
        $"server {ServerSeconds / WindowSeconds:0.00} cores, postgres {PostgresSeconds / WindowSeconds:0.00}, "
        + $"{selfName} {LoadGeneratorSeconds / WindowSeconds:0.00}, other {OtherSeconds / WindowSeconds:0.00} "
        + $"(machine {MachineBusySeconds / WindowSeconds:0.00} of {MachineCores} cores busy)");
}
