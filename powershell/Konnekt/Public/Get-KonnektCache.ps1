function Get-KonnektCache {
    <#
    .SYNOPSIS
    Shows how much of the content cache is used, pinned and waiting for upload.
    .DESCRIPTION
    Calls cache.stats and returns a Konnekt.CacheInfo: used and maximum bytes, pinned and dirty
    (not yet uploaded) bytes, file count, hit and eviction counters, location.
    .PARAMETER Tenant
    Only this tenant's part of the cache. Default: the whole cache. Accepts pipeline input by
    property name.
    .EXAMPLE
    Get-KonnektCache

    Shows the cache of all tenants.
    .EXAMPLE
    Get-KonnektTenant | Get-KonnektCache

    Shows the cache per tenant.
    .INPUTS
    Konnekt.Tenant, or objects with a Tenant or Name property.
    .OUTPUTS
    Konnekt.CacheInfo
    .LINK
    Clear-KonnektCache
    #>
    [CmdletBinding()]
    [OutputType('Konnekt.CacheInfo')]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName)]
        [Alias('Name')]
        [ValidatePattern('^[a-z0-9][a-z0-9-]{0,62}$')]
        [string]$Tenant
    )
    process {
        $params = [ordered]@{}
        if ($Tenant) { $params.tenant = $Tenant }
        try {
            $stats = Invoke-KonnektRpc -Method 'cache.stats' -Params $params
        } catch {
            $PSCmdlet.WriteError((ConvertTo-KonnektErrorRecord -ErrorRecord $_ -TargetObject $Tenant))
            return
        }
        $scope = if ($Tenant) { $Tenant } else { '(all)' }
        ConvertTo-KonnektObject -InputObject $stats -TypeName 'Konnekt.CacheInfo' -Extra ([ordered]@{ Tenant = $scope })
    }
}
