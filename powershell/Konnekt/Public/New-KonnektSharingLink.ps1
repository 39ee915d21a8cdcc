function New-KonnektSharingLink {
    <#
    .SYNOPSIS
    Creates (or reuses) a sharing link for a file or folder.
    .DESCRIPTION
    Calls item.sharingLink. The scope defaults to the configured links.scope (see
    Get-KonnektConfiguration links.scope); administrators can fix it by policy.
    .PARAMETER Path
    Local path or namespace path. Accepts pipeline input.
    .PARAMETER Scope
    Who the link works for: anonymous (anyone with the link), organization or users (specific people).
    .PARAMETER Type
    view (read-only, default) or edit.
    .PARAMETER ExpiresAt
    When the link stops working.
    .PARAMETER WhatIf
    Shows what would happen without creating a link.
    .PARAMETER Confirm
    Asks for confirmation before creating the link.
    .EXAMPLE
    New-KonnektSharingLink -Path ~/Marketing/Plan.docx

    Creates a view link with the default scope.
    .EXAMPLE
    New-KonnektSharingLink ~/Marketing/Plan.docx -Type edit -Scope organization -ExpiresAt (Get-Date).AddDays(7) | Select-Object -ExpandProperty Url

    Creates an edit link for the organization that expires in a week and prints its URL.
    .INPUTS
    System.String, System.IO.FileSystemInfo, or objects with a Path property.
    .OUTPUTS
    Konnekt.SharingLink
    .LINK
    Get-KonnektItem
    #>
    [CmdletBinding(SupportsShouldProcess, ConfirmImpact = 'Low')]
    [OutputType('Konnekt.SharingLink')]
    param(
        [Parameter(Mandatory, Position = 0, ValueFromPipeline, ValueFromPipelineByPropertyName)]
        [Alias('FullName')]
        [ValidateNotNullOrEmpty()]
        [string]$Path,

        [ValidateSet('anonymous', 'organization', 'users')]
        [string]$Scope,

        [ValidateSet('view', 'edit')]
        [string]$Type = 'view',

        [DateTime]$ExpiresAt
    )
    process {
        $itemPath = Resolve-KonnektItemPath -Cmdlet $PSCmdlet -Path $Path
        $params = [ordered]@{ path = $itemPath; type = $Type }
        if ($Scope) { $params.scope = $Scope }
        if ($PSBoundParameters.ContainsKey('ExpiresAt')) {
            $params.expires = $ExpiresAt.ToUniversalTime().ToString('yyyy-MM-ddTHH:mm:ssZ', [System.Globalization.CultureInfo]::InvariantCulture)
        }
        $what = if ($Scope) { "Create $Type link for $Scope" } else { "Create $Type link" }
        if (-not $PSCmdlet.ShouldProcess($itemPath, $what)) { return }
        try {
            $link = Invoke-KonnektRpc -Method 'item.sharingLink' -Params $params -TimeoutSeconds 60
        } catch {
            $PSCmdlet.WriteError((ConvertTo-KonnektErrorRecord -ErrorRecord $_ -TargetObject $Path))
            return
        }
        ConvertTo-KonnektObject -InputObject $link -TypeName 'Konnekt.SharingLink' -Extra ([ordered]@{ Path = $itemPath })
    }
}
