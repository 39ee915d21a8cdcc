function Clear-KonnektCache {
    <#
    .SYNOPSIS
    Evicts cached file content that is not pinned and not waiting for upload.
    .DESCRIPTION
    Calls cache.clear. Files stay visible and are fetched again on the next read. Changes that
    are not uploaded yet are never dropped. With -IncludePinned, pinned (offline) files are
    evicted too.
    .PARAMETER Tenant
    Only this tenant's cache. Accepts pipeline input by property name.
    .PARAMETER IncludePinned
    Also evict files pinned for offline use.
    .PARAMETER PassThru
    Return what was freed (files and bytes).
    .PARAMETER WhatIf
    Shows what would happen without clearing the cache.
    .PARAMETER Confirm
    Asks for confirmation before clearing the cache.
    .EXAMPLE
    Clear-KonnektCache

    Frees the cache of all tenants.
    .EXAMPLE
    Clear-KonnektCache -Tenant contoso -IncludePinned -PassThru

    Frees all of contoso's cache, pinned files included, and reports how much was freed.
    .INPUTS
    Konnekt.Tenant, or objects with a Tenant or Name property.
    .OUTPUTS
    Konnekt.CacheClearResult (with -PassThru).
    .LINK
    Get-KonnektCache
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Medium')]
    [OutputType('Konnekt.CacheClearResult')]
    param(
        [Parameter(Position = 0, ValueFromPipelineByPropertyName)]
        [Alias('Name')]
        [ValidatePattern('^[a-z0-9][a-z0-9-]{0,62}$')]
        [string]$Tenant,

        [switch]$IncludePinned,

        [switch]$PassThru
    )
    process {
        $scope = if ($Tenant) { "cache of $Tenant" } else { 'cache of all tenants' }
        $what = if ($IncludePinned) { 'Clear, including pinned files' } else { 'Clear' }
        if (-not $PSCmdlet.ShouldProcess($scope, $what)) { return }
        $params = [ordered]@{}
        if ($Tenant) { $params.tenant = $Tenant }
        if ($IncludePinned) { $params.includePinned = $true }
        try {
            $result = Invoke-KonnektRpc -Method 'cache.clear' -Params $params -TimeoutSeconds 300
        } catch {
            $PSCmdlet.WriteError((ConvertTo-KonnektErrorRecord -ErrorRecord $_ -TargetObject $Tenant))
            return
        }
        Write-Verbose -Message "Freed $($result.files) files, $($result.bytes) bytes."
        if ($PassThru) { ConvertTo-KonnektObject -InputObject $result -TypeName 'Konnekt.CacheClearResult' }
    }
}
