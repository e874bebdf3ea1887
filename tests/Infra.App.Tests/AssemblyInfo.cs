// jsii is not thread-safe: parallel test collections hang `dotnet test` forever.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
