function Get-KonnektDrive {
    <#
    .SYNOPSIS
    Lists the Konnekt mounts: the root mount and every extra drive.
    .DESCRIPTION
    Returns Konnekt.Drive objects (drive.list) with mount point, namespace path, state and whether
    the drive persists or is managed by the administrator.
    .PARAMETER Tenant
    Only drives of this tenant. Accepts pipeline input by property name.
    .PARAMETER Name
    Only drives whose name matches; wildcards allowed.
    .EXAMPLE
    Get-KonnektDrive

    Lists all mounts.
    .EXAMPLE
    Get-KonnektDrive -Tenant contoso | Where-Object State -ne 'mounted'

    Shows contoso drives that are not mounted.
    .INPUTS
    Objects with a Tenant property.
    .OUTPUTS
    Konnekt.Drive
    .LINK
    Mount-KonnektDrive
    #>
    [CmdletBinding()]
    [OutputType('Konnekt.Drive')]
    param(
        [Parameter(ValueFromPipelineByPropertyName)]
        [ValidatePattern('^[a-z0-9][a-z0-9-]{0,62}$')]
        [string]$Tenant,

        [Parameter(Position = 0)]
        [SupportsWildcards()]
        [string]$Name
    )
    process {
        $params = [ordered]@{}
        if ($Tenant) { $params.tenant = $Tenant }
        try {
            $result = Invoke-KonnektRpc -Method 'drive.list' -Params $params
        } catch {
            $PSCmdlet.WriteError((ConvertTo-KonnektErrorRecord -ErrorRecord $_ -TargetObject $Tenant))
            return
        }
        foreach ($drive in @($result.drives)) {
            if ($null -eq $drive) { continue }
            if ($Name) {
                $driveName = if ($drive.PSObject.Properties['name']) { [string]$drive.name } else { '' }
                if ($driveName -notlike $Name) { continue }
            }
            ConvertTo-KonnektObject -InputObject $drive -TypeName 'Konnekt.Drive'
        }
    }
}
