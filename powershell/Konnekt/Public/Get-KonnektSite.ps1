function Get-KonnektSite {
    <#
    .SYNOPSIS
    Lists the SharePoint sites that have document libraries in Konnekt.
    .DESCRIPTION
    Groups the discovered libraries (library.list) by tenant and site and returns one
    Konnekt.Site per site, with the number of libraries. Pipe sites to Get-KonnektLibrary or
    Open-KonnektSite.
    .PARAMETER Tenant
    Only sites of this tenant (short name). Accepts pipeline input by property name (Tenant, or
    Name from Get-KonnektTenant).
    .PARAMETER Site
    Only sites whose name matches; wildcards allowed.
    .EXAMPLE
    Get-KonnektSite

    Lists all sites of all tenants.
    .EXAMPLE
    Get-KonnektSite -Tenant contoso -Site 'Proj*' | Get-KonnektLibrary

    Lists the libraries of the contoso sites whose name starts with Proj.
    .INPUTS
    Konnekt.Tenant, or objects with a Tenant property.
    .OUTPUTS
    Konnekt.Site
    .LINK
    Get-KonnektLibrary
    #>
    [CmdletBinding()]
    [OutputType('Konnekt.Site')]
    param(
        [Parameter(ValueFromPipelineByPropertyName)]
        [Alias('Name')]
        [ValidatePattern('^[a-z0-9][a-z0-9-]{0,62}$')]
        [string]$Tenant,

        [Parameter(Position = 0)]
        [SupportsWildcards()]
        [string]$Site
    )
    process {
        $params = [ordered]@{}
        if ($Tenant) { $params.tenant = $Tenant }
        try {
            $result = Invoke-KonnektRpc -Method 'library.list' -Params $params -TimeoutSeconds 120
        } catch {
            $PSCmdlet.WriteError((ConvertTo-KonnektErrorRecord -ErrorRecord $_ -TargetObject $Tenant))
            return
        }
        # The protocol has no site.list: a site is what its libraries have in common.
        $sites = [ordered]@{}
        foreach ($lib in @($result.libraries)) {
            if ($null -eq $lib) { continue }
            if ($Site -and $lib.site -notlike $Site) { continue }
            $key = "$($lib.tenant)/$($lib.site)"
            if (-not $sites.Contains($key)) {
                $personal = if ($lib.PSObject.Properties['isPersonalSite']) { [bool]$lib.isPersonalSite } else { $false }
                $sites[$key] = [ordered]@{ tenant = $lib.tenant; site = $lib.site; siteUrl = $lib.siteUrl; path = $key; libraries = 0; isPersonalSite = $personal }
            }
            $sites[$key].libraries++
        }
        foreach ($entry in $sites.Values) {
            ConvertTo-KonnektObject -InputObject ([pscustomobject]$entry) -TypeName 'Konnekt.Site'
        }
    }
}
