function Get-KonnektLibrary {
    <#
    .SYNOPSIS
    Lists the document libraries Konnekt discovered.
    .DESCRIPTION
    Returns Konnekt.Library objects (library.list): tenant, site, library title, URLs and the
    namespace path tenant/site/library that Mount-KonnektDrive, Get-KonnektItem and
    Open-KonnektSite accept. Pipe them to Mount-KonnektDrive to map them.
    .PARAMETER Tenant
    Only libraries of this tenant (short name). Accepts pipeline input by property name (Tenant,
    or Name from Get-KonnektTenant).
    .PARAMETER Site
    Only libraries of this site: the site name as in the namespace, or the site URL. Accepts
    pipeline input by property name (from Get-KonnektSite).
    .PARAMETER Library
    Only libraries whose title matches; wildcards allowed.
    .PARAMETER Refresh
    Run discovery now (library.refresh) before listing, with progress.
    .EXAMPLE
    Get-KonnektLibrary -Tenant contoso

    Lists every library of the tenant contoso.
    .EXAMPLE
    Get-KonnektLibrary -Site Marketing | Mount-KonnektDrive -MountPoint ~/Marketing

    Mounts the library of the Marketing site.
    .EXAMPLE
    Get-KonnektSite -Site 'Proj*' | Get-KonnektLibrary -Library Documents

    Lists the Documents library of each project site.
    .INPUTS
    Konnekt.Tenant, Konnekt.Site, or objects with Tenant/Site properties.
    .OUTPUTS
    Konnekt.Library
    .LINK
    Mount-KonnektDrive
    .LINK
    Get-KonnektSite
    #>
    [CmdletBinding()]
    [OutputType('Konnekt.Library')]
    param(
        [Parameter(ValueFromPipelineByPropertyName)]
        [Alias('Name')]
        [ValidatePattern('^[a-z0-9][a-z0-9-]{0,62}$')]
        [string]$Tenant,

        [Parameter(Position = 0, ValueFromPipelineByPropertyName)]
        [string]$Site,

        [Parameter()]
        [SupportsWildcards()]
        [string]$Library,

        [switch]$Refresh
    )
    process {
        if ($Refresh) {
            $refreshParams = [ordered]@{ progressToken = "refresh-$([guid]::NewGuid().ToString('N'))" }
            if ($Tenant) { $refreshParams.tenant = $Tenant }
            try {
                $null = Invoke-KonnektRpc -Method 'library.refresh' -Params $refreshParams -TimeoutSeconds 0
            } catch {
                $PSCmdlet.WriteError((ConvertTo-KonnektErrorRecord -ErrorRecord $_ -TargetObject $Tenant))
                return
            }
        }
        $params = [ordered]@{}
        if ($Tenant) { $params.tenant = $Tenant }
        if ($Site) { $params.site = $Site }
        try {
            $result = Invoke-KonnektRpc -Method 'library.list' -Params $params -TimeoutSeconds 120
        } catch {
            $PSCmdlet.WriteError((ConvertTo-KonnektErrorRecord -ErrorRecord $_ -TargetObject $Site))
            return
        }
        foreach ($lib in @($result.libraries)) {
            if ($null -eq $lib) { continue }
            if ($Library -and $lib.library -notlike $Library) { continue }
            ConvertTo-KonnektObject -InputObject $lib -TypeName 'Konnekt.Library'
        }
    }
}
