using Ganeti.Master.Locking;

namespace Ganeti.Master.Tests.Locking;

public class LockManagerTests
{
    private static readonly CancellationToken None = CancellationToken.None;

    [Fact]
    public async Task SharedLocksAreHeldTogether()
    {
        var m = new LockManager();
        object a = new(), b = new();
        await m.AcquireAsync(a, LockRequest.Of(LockLevel.Instance, ["x"], shared: true), None);
        Assert.True(m.TryAcquire(b, LockRequest.Of(LockLevel.Instance, ["x"], shared: true)));
    }

    [Fact]
    public async Task ExclusiveLockWaitsUntilReleased()
    {
        var m = new LockManager();
        object a = new(), b = new();
        await m.AcquireAsync(a, LockRequest.Of(LockLevel.Instance, ["x"]), None);
        var waiting = m.AcquireAsync(b, LockRequest.Of(LockLevel.Instance, ["x"]), None);
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);
        m.Release(a);
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Contains("instance/x", m.HeldBy(b));
    }

    [Fact]
    public async Task AllOfALevelExcludesSingleNames()
    {
        var m = new LockManager();
        object a = new(), b = new();
        await m.AcquireAsync(a, LockRequest.AllOf(LockLevel.Node), None);
        Assert.False(m.TryAcquire(b, LockRequest.Of(LockLevel.Node, ["n1"], shared: true)));
        m.Release(a);
        Assert.True(m.TryAcquire(b, LockRequest.Of(LockLevel.Node, ["n1"])));
        Assert.False(m.TryAcquire(a, LockRequest.AllOf(LockLevel.Node, shared: true)));
    }

    [Fact]
    public async Task LocksMustBeTakenInLevelOrder()
    {
        var m = new LockManager();
        object a = new();
        await m.AcquireAsync(a, LockRequest.Of(LockLevel.Node, ["n1"]), None);
        await Assert.ThrowsAsync<InvalidOperationException>(() => m.AcquireAsync(a, LockRequest.Of(LockLevel.Instance, ["i"]), None));
    }

    [Fact]
    public async Task WaitingCanBeCanceled()
    {
        var m = new LockManager();
        object a = new(), b = new();
        await m.AcquireAsync(a, LockRequest.Of(LockLevel.Instance, ["x"]), None);
        using var cts = new CancellationTokenSource(100);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => m.AcquireAsync(b, LockRequest.Of(LockLevel.Instance, ["x"]), cts.Token));
        Assert.Empty(m.HeldBy(b));
    }

    [Fact]
    public async Task ManyJobsTakingOverlappingLocksInOrderNeverDeadlock()
    {
        var m = new LockManager();
        var names = new[] { "a", "b", "c", "d" };
        var rnd = new Random(7);
        var tasks = Enumerable.Range(0, 64).Select(i =>
        {
            var mine = names.OrderBy(_ => rnd.Next()).Take(1 + i % 3).ToList();
            var nodes = names.OrderBy(_ => rnd.Next()).Take(1 + i % 2).ToList();
            return Task.Run(async () =>
            {
                var owner = new object();
                await m.AcquireAsync(owner, LockRequest.Of(LockLevel.Instance, mine), None);
                await m.AcquireAsync(owner, LockRequest.Of(LockLevel.Node, nodes, shared: i % 2 == 0), None);
                await Task.Delay(1);
                m.Release(owner);
            });
        }).ToArray();
        await Task.WhenAll(tasks).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Empty(m.Snapshot());
    }

    [Fact]
    public async Task WaitersAreServedInArrivalOrderSoNoneStarves()
    {
        var m = new LockManager();
        object holder = new(), exclusive = new(), lateShared = new();
        await m.AcquireAsync(holder, LockRequest.Of(LockLevel.Node, ["n1"], shared: true), None);
        var wantsExclusive = m.AcquireAsync(exclusive, LockRequest.Of(LockLevel.Node, ["n1"]), None);
        // A shared request arriving later must not overtake the waiting exclusive one.
        var late = m.AcquireAsync(lateShared, LockRequest.Of(LockLevel.Node, ["n1"], shared: true), None);
        await Task.Delay(50);
        Assert.False(wantsExclusive.IsCompleted);
        Assert.False(late.IsCompleted);
        m.Release(holder);
        await wantsExclusive.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.False(late.IsCompleted);
        m.Release(exclusive);
        await late.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task AWaiterDoesNotHoldUpRequestsForOtherLocks()
    {
        var m = new LockManager();
        object a = new(), b = new(), c = new();
        await m.AcquireAsync(a, LockRequest.Of(LockLevel.Node, ["n1"]), None);
        var waiting = m.AcquireAsync(b, LockRequest.Of(LockLevel.Node, ["n1"]), None);
        Assert.True(m.TryAcquire(c, LockRequest.Of(LockLevel.Node, ["n2"])));
        m.Release(a);
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
    }
}
